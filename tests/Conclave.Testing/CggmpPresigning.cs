using Conclave.Crypto.Random;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Testing;

/// <summary>
/// Runs CGGMP21 presigning among signers in one process: party i uses shares[i − 1] and aux[i − 1];
/// the optional hooks tamper with each round's messages on the way (a scripted adversary).
/// </summary>
public static class CggmpPresigning
{
    /// <summary>Presigns with <paramref name="signerIds"/>; returns the presignatures in signer order and disposes the parties.</summary>
    public static List<Presignature> Run(
        IReadOnlyList<CggmpCoreKeyShare> shares,
        IReadOnlyList<CggmpAuxInfo> aux,
        IEnumerable<int> signerIds,
        SessionId? session = null,
        Func<ParticipantId, IRandomSource>? random = null,
        Func<PresignRound1Message, PresignRound1Message>? tamper1 = null,
        Func<PresignRound2Message, PresignRound2Message>? tamper2 = null,
        Func<PresignRound3Message, PresignRound3Message>? tamper3 = null)
    {
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(aux);
        var sid = session ?? SessionId.Random();
        var signers = signerIds.Select(i => new ParticipantId((ushort)i)).ToList();
        var parties = signers.Select(s => new PresignParty(sid, shares[s.Value - 1], aux[s.Value - 1], signers, random?.Invoke(s))).ToList();
        try
        {
            var r1 = parties.SelectMany(p => p.Round1()).Select(m => tamper1?.Invoke(m) ?? m).ToList();
            var r2 = parties.SelectMany(p => p.Round2(r1)).Select(m => tamper2?.Invoke(m) ?? m).ToList();
            var r3 = parties.SelectMany(p => p.Round3(r2)).Select(m => tamper3?.Invoke(m) ?? m).ToList();
            return [.. parties.Select(p => p.Finish(r3))];
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }
}
