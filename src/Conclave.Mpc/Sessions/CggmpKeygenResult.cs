using Conclave.Crypto.Groups;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One node's output of a <see cref="CggmpKeygenSession"/>: its <see cref="CggmpCoreKeyShare"/> and
/// <see cref="CggmpAuxInfo"/> (both secret, wiped by <see cref="Dispose"/>) and the participants'
/// node ids in <see cref="ParticipantId"/> order (participant i is <c>Participants[i - 1]</c>), which
/// signing sessions use to map nodes to identifiers. Kept in memory only; persisting it is the share
/// store's job (<see cref="FromStored"/> rebuilds it).
/// </summary>
public sealed class CggmpKeygenResult : IDisposable
{
    private CggmpKeygenResult(CggmpCoreKeyShare share, CggmpAuxInfo auxInfo, IReadOnlyList<string> participants)
    {
        Share = share;
        AuxInfo = auxInfo;
        Participants = participants;
    }

    /// <summary>This node's key share (secret).</summary>
    public CggmpCoreKeyShare Share { get; }

    /// <summary>This node's auxiliary information (its Paillier secret key and every party's public parameters).</summary>
    public CggmpAuxInfo AuxInfo { get; }

    /// <summary>Node ids in participant-id order (sorted ordinally).</summary>
    public IReadOnlyList<string> Participants { get; }

    /// <summary>
    /// Rebuilds the result from a share and aux info loaded from storage (takes ownership of both).
    /// The participant list must be the ordinally sorted, distinct node ids of the key generation,
    /// one per party of the share and of the aux info, and both must belong to the same party.
    /// </summary>
    /// <exception cref="ArgumentException">The parts do not fit together.</exception>
    public static CggmpKeygenResult FromStored(CggmpCoreKeyShare share, CggmpAuxInfo auxInfo, IReadOnlyList<string> participants)
    {
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(auxInfo);
        ArgumentNullException.ThrowIfNull(participants);
        if (participants.Any(p => p is null) || !participants.SequenceEqual(participants.Order(StringComparer.Ordinal).Distinct(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            throw new ArgumentException("The participants must be distinct node ids in ordinal order.", nameof(participants));
        }

        var n = participants.Count;
        var ids = Enumerable.Range(1, n).Select(i => new ParticipantId((ushort)i)).ToList();
        if (share.PublicShares.Count != n || !ids.All(share.PublicShares.ContainsKey))
        {
            throw new ArgumentException($"The key share has {share.PublicShares.Count} parties, not participants 1..{n}.", nameof(share));
        }

        if (auxInfo.Parties.Count != n || !ids.All(auxInfo.Parties.ContainsKey))
        {
            throw new ArgumentException($"The aux info has {auxInfo.Parties.Count} parties, not participants 1..{n}.", nameof(auxInfo));
        }

        if (auxInfo.Self != share.Self)
        {
            throw new ArgumentException($"The aux info is participant {auxInfo.Self}'s, the share participant {share.Self}'s.", nameof(auxInfo));
        }

        return new CggmpKeygenResult(share, auxInfo, [.. participants]);
    }

    /// <summary>The participant id of <paramref name="nodeId"/>.</summary>
    /// <exception cref="ArgumentException">The node did not take part in the key generation.</exception>
    public ParticipantId ParticipantIdOf(string nodeId) => SessionParticipants.IdOf(Participants, nodeId);

    /// <summary>The group public key, 33-byte compressed secp256k1.</summary>
    public byte[] SerializePublicKey() => Secp256k1Group.Instance.SerializeElement(Share.PublicKey);

    /// <summary>Wipes the share and the Paillier secret key.</summary>
    public void Dispose()
    {
        Share.Dispose();
        AuxInfo.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"CggmpKeygenResult(secp256k1, participant {Share.Self} of {Participants.Count}, threshold {Share.Threshold}, <redacted>)";

    internal static CggmpKeygenResult Create(CggmpCoreKeyShare share, CggmpAuxInfo auxInfo, IReadOnlyList<string> participants) => new(share, auxInfo, participants);
}
