using System.Diagnostics;
using Conclave.Crypto;
using Conclave.Crypto.Groups;

namespace Conclave.Threshold.Cggmp.Keygen;

/// <summary>
/// The output of CGGMP21 threshold key generation for one party: its Shamir share x_i of the key,
/// every party's public share X_j = x_j·G, the public key Y and the threshold. Auxiliary
/// information (Paillier and ring-Pedersen parameters) is added by the aux-info protocol.
/// The share is wiped on dispose. The storage encoding (<see cref="Serialize()"/>, <see cref="Parse"/>)
/// is in CggmpCoreKeyShare.Encoding.cs.
/// </summary>
[DebuggerDisplay("CggmpCoreKeyShare(party {Self}, {Threshold}-of-{PublicShares.Count}, redacted)")]
public sealed partial class CggmpCoreKeyShare : IDisposable
{
    private readonly SecretBytes _secretShare;

    internal CggmpCoreKeyShare(ParticipantId self, int threshold, Element publicKey, IReadOnlyDictionary<ParticipantId, Element> publicShares, ReadOnlySpan<byte> secretShare)
    {
        var g = publicKey.Group;
        if (!g.MultiplyBase(secretShare).Equals(publicShares[self]))
        {
            throw new InternalInvariantException("The secret share does not match the public share.");
        }

        Self = self;
        Threshold = threshold;
        PublicKey = publicKey;
        PublicShares = new SortedDictionary<ParticipantId, Element>(publicShares.ToDictionary());
        _secretShare = SecretBytes.Copy(secretShare);
    }

    /// <summary>This party.</summary>
    public ParticipantId Self { get; }

    /// <summary>The threshold t: how many parties must sign.</summary>
    public int Threshold { get; }

    /// <summary>The public key Y.</summary>
    public Element PublicKey { get; }

    /// <summary>X_j = x_j·G for every party.</summary>
    public IReadOnlyDictionary<ParticipantId, Element> PublicShares { get; }

    internal ReadOnlySpan<byte> SecretShare => _secretShare.Span;

    /// <summary>Wipes the share.</summary>
    public void Dispose() => _secretShare.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"CggmpCoreKeyShare(party {Self}, {Threshold}-of-{PublicShares.Count}, <redacted>)";
}
