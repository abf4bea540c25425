using System.Diagnostics;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Keys.Refresh;

/// <summary>
/// What a refresh participant keeps between the steps of <see cref="FrostRefresh"/>: its secret
/// polynomial with constant term zero and the commitment to it. Wiped on dispose.
/// </summary>
[DebuggerDisplay("RefreshSecretPackage(participant {Identifier}, redacted)")]
public sealed class RefreshSecretPackage : IDisposable
{
    internal RefreshSecretPackage(FrostCiphersuite suite, ParticipantId identifier, Polynomial polynomial, VssCommitment commitment, int minSigners, int maxSigners)
    {
        Suite = suite;
        Identifier = identifier;
        Polynomial = polynomial;
        Commitment = commitment;
        MinSigners = minSigners;
        MaxSigners = maxSigners;
    }

    /// <summary>The ciphersuite.</summary>
    public FrostCiphersuite Suite { get; }

    /// <summary>This participant.</summary>
    public ParticipantId Identifier { get; }

    /// <summary>This participant's own commitment (its constant term is the identity).</summary>
    public VssCommitment Commitment { get; }

    /// <summary>The threshold t.</summary>
    public int MinSigners { get; }

    /// <summary>The committee size n.</summary>
    public int MaxSigners { get; }

    internal Polynomial Polynomial { get; }

    /// <summary>Wipes the polynomial.</summary>
    public void Dispose() => Polynomial.Dispose();

    /// <inheritdoc />
    public override string ToString() => "<redacted>";
}
