using System.Diagnostics;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Keys.Dkg;

/// <summary>What a DKG participant keeps after round one: its secret polynomial. Wiped on dispose.</summary>
[DebuggerDisplay("Round1SecretPackage(participant {Identifier}, redacted)")]
public sealed class Round1SecretPackage : IDisposable
{
    internal Round1SecretPackage(FrostCiphersuite suite, ParticipantId identifier, Polynomial polynomial, VssCommitment commitment, int minSigners, int maxSigners, byte[] context)
    {
        Suite = suite;
        Identifier = identifier;
        Polynomial = polynomial;
        Commitment = commitment;
        MinSigners = minSigners;
        MaxSigners = maxSigners;
        Context = context;
    }

    /// <summary>The ciphersuite.</summary>
    public FrostCiphersuite Suite { get; }

    /// <summary>This participant.</summary>
    public ParticipantId Identifier { get; }

    /// <summary>This participant's own commitment.</summary>
    public VssCommitment Commitment { get; }

    /// <summary>The threshold t.</summary>
    public int MinSigners { get; }

    /// <summary>The committee size n.</summary>
    public int MaxSigners { get; }

    internal Polynomial Polynomial { get; }

    internal byte[] Context { get; }

    /// <summary>Wipes the polynomial.</summary>
    public void Dispose() => Polynomial.Dispose();

    /// <inheritdoc />
    public override string ToString() => "<redacted>";
}
