using System.Diagnostics;
using Conclave.Crypto.Paillier;

namespace Conclave.Threshold.Cggmp.AuxInfo;

/// <summary>
/// A party's auxiliary information after the aux-info protocol: its own Paillier secret key, and
/// every party's Paillier public key and ring-Pedersen parameters, all proven well formed. Wiped on dispose.
/// The storage encoding (<see cref="Serialize()"/>, <see cref="Parse(ReadOnlySpan{byte})"/>) is in CggmpAuxInfo.Encoding.cs.
/// </summary>
[DebuggerDisplay("CggmpAuxInfo(party {Self}, {Parties.Count} parties, redacted)")]
public sealed partial class CggmpAuxInfo : IDisposable
{
    internal CggmpAuxInfo(ParticipantId self, PaillierSecretKey paillierKey, IReadOnlyDictionary<ParticipantId, PartyAuxInfo> parties)
    {
        Self = self;
        PaillierKey = paillierKey;
        Parties = parties;
    }

    /// <summary>This party.</summary>
    public ParticipantId Self { get; }

    /// <summary>Every party's public auxiliary information (including this party's).</summary>
    public IReadOnlyDictionary<ParticipantId, PartyAuxInfo> Parties { get; }

    internal PaillierSecretKey PaillierKey { get; }

    /// <summary>Wipes the Paillier secret key and frees the public numbers.</summary>
    public void Dispose()
    {
        PaillierKey.Dispose();
        foreach (var p in Parties.Values)
        {
            p.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"CggmpAuxInfo(party {Self}, {Parties.Count} parties, <redacted>)";
}

/// <summary>One party's public auxiliary information: Paillier key N_j and ring-Pedersen parameters (N_j, s_j, t_j).</summary>
public sealed class PartyAuxInfo : IDisposable
{
    internal PartyAuxInfo(PaillierPublicKey paillier, RingPedersenParameters ringPedersen)
    {
        Paillier = paillier;
        RingPedersen = ringPedersen;
    }

    /// <summary>The Paillier public key.</summary>
    public PaillierPublicKey Paillier { get; }

    /// <summary>The ring-Pedersen parameters.</summary>
    public RingPedersenParameters RingPedersen { get; }

    /// <summary>Frees the numbers.</summary>
    public void Dispose()
    {
        Paillier.Dispose();
        RingPedersen.Dispose();
    }
}
