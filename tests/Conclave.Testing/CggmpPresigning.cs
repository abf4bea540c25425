using Conclave.Crypto.Random;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Testing;

/// <summary>
/// Runs CGGMP21 presigning among signers in one process: party i uses shares[i − 1] and aux[i − 1];
/// the optional hooks tamper with each round's messages on the way (a scripted adversary). When
/// some signer's output check fails, every signer runs the identification round (the δ round if
/// any signer's δ·G = ΣΔ_j check failed, else the χ round with its public message).
/// </summary>
public static class CggmpPresigning
{
    /// <summary>
    /// Presigns with <paramref name="signerIds"/>; returns the presignatures in signer order and
    /// disposes the parties. If the identification round runs, the abort of the first signer whose
    /// output check failed is thrown.
    /// </summary>
    public static List<Presignature> Run(
        IReadOnlyList<CggmpCoreKeyShare> shares,
        IReadOnlyList<CggmpAuxInfo> aux,
        IEnumerable<int> signerIds,
        SessionId? session = null,
        Func<ParticipantId, IRandomSource>? random = null,
        Func<PresignRound1Message, PresignRound1Message>? tamper1 = null,
        Func<PresignRound2Message, PresignRound2Message>? tamper2 = null,
        Func<PresignRound3Message, PresignRound3Message>? tamper3 = null,
        Func<PresignIdentificationMessage, PresignIdentificationMessage>? tamper4 = null,
        Func<PresignChiIdentificationMessage, PresignChiIdentificationMessage>? tamperChi = null)
    {
        var (presignatures, aborts, failed) = RunWithIdentification(shares, aux, signerIds, session, random, tamper1, tamper2, tamper3, tamper4, tamperChi);
        if (aborts is not null)
        {
            throw aborts[failed.Min()];
        }

        return presignatures!;
    }

    /// <summary>
    /// Like <see cref="Run"/>, but when the identification round runs it returns every signer's
    /// abort from <see cref="PresignParty.Identify"/> (signers whose own check failed and signers
    /// that answered alike), in signer order, instead of throwing, and the signers whose own output
    /// check failed.
    /// </summary>
    public static (List<Presignature>? Presignatures, SortedDictionary<ParticipantId, ProtocolAbortException>? Aborts, IReadOnlySet<ParticipantId> FailedOutputCheck) RunWithIdentification(
        IReadOnlyList<CggmpCoreKeyShare> shares,
        IReadOnlyList<CggmpAuxInfo> aux,
        IEnumerable<int> signerIds,
        SessionId? session = null,
        Func<ParticipantId, IRandomSource>? random = null,
        Func<PresignRound1Message, PresignRound1Message>? tamper1 = null,
        Func<PresignRound2Message, PresignRound2Message>? tamper2 = null,
        Func<PresignRound3Message, PresignRound3Message>? tamper3 = null,
        Func<PresignIdentificationMessage, PresignIdentificationMessage>? tamper4 = null,
        Func<PresignChiIdentificationMessage, PresignChiIdentificationMessage>? tamperChi = null)
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
            var outputs = parties.Select(p => p.TryFinish(r3, out var presignature) ? presignature : null).ToList();
            if (outputs.All(p => p is not null))
            {
                return ([.. outputs.Select(p => p!)], null, new HashSet<ParticipantId>());
            }

            outputs.ForEach(p => p?.Dispose());
            var failed = parties.Where((_, k) => outputs[k] is null).Select(p => p.Self).ToHashSet();
            var aborts = new SortedDictionary<ParticipantId, ProtocolAbortException>();

            // A failed δ·G = ΣΔ_j check anywhere takes precedence; otherwise the S_j check failed and
            // every signer runs the χ identification round for the presignature's public message.
            var delta = parties.Any(p => p.FailedCheck == PresignOutputCheck.Delta);
            var r4 = delta ? parties.SelectMany(p => p.IdentificationRound()).Select(m => tamper4?.Invoke(m) ?? m).ToList() : [];
            var chi = delta ? [] : parties.SelectMany(p => p.ChiIdentificationRound()).Select(m => tamperChi?.Invoke(m) ?? m).ToList();
            foreach (var p in parties)
            {
                try
                {
                    if (delta)
                    {
                        p.Identify(r4);
                    }
                    else
                    {
                        p.IdentifyChi(chi);
                    }
                }
                catch (ProtocolAbortException e)
                {
                    aborts[p.Self] = e;
                }
            }

            return (null, aborts, failed);
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }
}
