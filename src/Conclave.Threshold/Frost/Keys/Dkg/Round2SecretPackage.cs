using System.Diagnostics;
using Conclave.Crypto;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Keys.Dkg;

/// <summary>What a DKG participant keeps after round two: its own share f_i(i) and commitment. Wiped on dispose.</summary>
[DebuggerDisplay("Round2SecretPackage(participant {Identifier}, redacted)")]
public sealed class Round2SecretPackage : IDisposable
{
    private readonly SecretBytes _ownShare;

    internal Round2SecretPackage(FrostCiphersuite suite, ParticipantId identifier, VssCommitment commitment, SecretBytes ownShare, int minSigners, int maxSigners)
    {
        Suite = suite;
        Identifier = identifier;
        Commitment = commitment;
        _ownShare = ownShare;
        MinSigners = minSigners;
        MaxSigners = maxSigners;
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

    internal ReadOnlySpan<byte> OwnShare => _ownShare.Span;

    /// <summary>Wipes the share.</summary>
    public void Dispose() => _ownShare.Dispose();

    /// <inheritdoc />
    public override string ToString() => "<redacted>";
}
