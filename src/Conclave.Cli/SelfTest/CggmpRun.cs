using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Signatures;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Cli.SelfTest;

/// <summary>
/// A fresh CGGMP21 run among n simulated parties in one process, each party its own state machine:
/// threshold keygen, aux info with Paillier keys from freshly generated 1024-bit safe primes,
/// presigning by a random t-subset and signing a random 32-byte digest. The signature is verified
/// by <see cref="CggmpSigning.Combine"/> before it is returned and again here, including the
/// recovery id (libsecp256k1's ecrecover must give back the public key).
/// </summary>
internal static class CggmpRun
{
    /// <summary>How the Paillier primes were obtained, printed with the result.</summary>
    internal const string PrimeSource = "fresh";

    internal static SelfTestResult Run(int t, int n)
    {
        var ids = Enumerable.Range(1, n).Select(i => new ParticipantId((ushort)i)).ToList();
        var shares = Keygen(ids, t);
        List<CggmpAuxInfo> aux = [];
        try
        {
            aux = AuxInfo(ids);
            var signers = ids.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).Take(t).Order().ToList();
            var hash = RandomNumberGenerator.GetBytes(32);
            var presignatures = Presign(signers, shares, aux);
            var partials = presignatures.Select(p => CggmpSigning.PartialSign(p, hash)).ToList();
            var signature = CggmpSigning.Combine(presignatures[0].PublicData, partials, hash);
            var publicKey = Secp256k1Group.Instance.SerializeElement(shares[0].PublicKey);
            var compact = signature.ToCompact();
            var verified = EcdsaSecp256k1.VerifyCompact(publicKey, hash, compact)
                && EcdsaSecp256k1.Recover(hash, compact, signature.RecoveryId) is { } recovered && recovered.AsSpan().SequenceEqual(publicKey);
            return new SelfTestResult("cggmp21", "secp256k1", t, n, [.. signers.Select(s => (int)s.Value)], Convert.ToHexStringLower(publicKey), Convert.ToHexStringLower(hash), Convert.ToHexStringLower(compact), verified, signature.RecoveryId, PrimeSource);
        }
        finally
        {
            shares.ForEach(s => s.Dispose());
            aux.ForEach(a => a.Dispose());
        }
    }

    private static List<CggmpCoreKeyShare> Keygen(List<ParticipantId> ids, int t)
    {
        var session = SessionId.Random();
        var parties = ids.Select(i => new KeygenParty(session, i, ids, t)).ToList();
        try
        {
            var commits = parties.Select(p => p.Round1()).ToList();
            var echoes = parties.Select(p => p.Round2(Others(commits, p.Self))).ToList();
            var round3 = parties.Select(p => p.Round3(Others(echoes, p.Self))).ToList();
            var reveals = round3.Select(r => r.Reveal).ToList();
            var dealt = round3.SelectMany(r => r.Shares).ToList();
            var proofs = parties.Select(p => p.Round4(Others(reveals, p.Self), [.. dealt.Where(s => s.Recipient == p.Self)])).ToList();
            dealt.ForEach(s => s.Dispose());
            return [.. parties.Select(p => p.Finish(Others(proofs, p.Self)))];
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }

    private static List<CggmpAuxInfo> AuxInfo(List<ParticipantId> ids)
    {
        var session = SessionId.Random();
        var keys = ids.Select(_ => PaillierSecretKey.Generate()).ToList();
        var parties = InParallel(ids, (id, k) => new AuxInfoParty(session, id, ids, keys[k]));
        try
        {
            var commits = parties.Select(p => p.Round1()).ToList();
            var echoes = parties.Select(p => p.Round2(Others(commits, p.Self))).ToList();
            var reveals = parties.Select(p => p.Round3(Others(echoes, p.Self))).ToList();
            var proofs = InParallel(parties, (p, _) => p.Round4(Others(reveals, p.Self))).SelectMany(m => m).ToList();
            return InParallel(parties, (p, _) => p.Finish([.. proofs.Where(m => m.Sender != p.Self && m.Recipient == p.Self)]));
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }

    private static List<Presignature> Presign(List<ParticipantId> signers, List<CggmpCoreKeyShare> shares, List<CggmpAuxInfo> aux)
    {
        var session = SessionId.Random();
        var parties = signers.Select(s => new PresignParty(session, shares[s.Value - 1], aux[s.Value - 1], signers)).ToList();
        try
        {
            var r1 = InParallel(parties, (p, _) => p.Round1()).SelectMany(m => m).ToList();
            var r2 = InParallel(parties, (p, _) => p.Round2(r1)).SelectMany(m => m).ToList();
            var r3 = InParallel(parties, (p, _) => p.Round3(r2)).SelectMany(m => m).ToList();
            var outputs = InParallel(parties, (p, _) => p.TryFinish(r3, out var presignature) ? presignature : null);
            if (outputs.All(o => o is not null))
            {
                return [.. outputs.Select(o => o!)];
            }

            // Some output check failed: every signer runs the identification round (the δ round if a
            // δ·G = ΣΔ_j check failed, else the χ round for δ·X ≠ ΣS_j with the presignature's public
            // message), which always throws naming the culprits (the first signer's abort surfaces).
            outputs.ForEach(o => o?.Dispose());
            if (parties.Any(p => p.FailedCheck == PresignOutputCheck.Delta))
            {
                var r4 = InParallel(parties, (p, _) => p.IdentificationRound()).SelectMany(m => m).ToList();
                _ = InParallel(parties, (p, _) =>
                {
                    p.Identify(r4);
                    return 0;
                });
            }
            else
            {
                var chi = InParallel(parties, (p, _) => p.ChiIdentificationRound()).SelectMany(m => m).ToList();
                _ = InParallel(parties, (p, _) =>
                {
                    p.IdentifyChi(chi);
                    return 0;
                });
            }

            throw new InternalInvariantException("The identification round ended without an abort.");
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }

    private static List<T> Others<T>(List<T> messages, ParticipantId self)
        where T : IProtocolMessage => [.. messages.Where(m => m.Sender != self)];

    /// <summary>Runs one step of every (independent) party at once, as separate nodes would.</summary>
    private static List<TOut> InParallel<TIn, TOut>(List<TIn> items, Func<TIn, int, TOut> step)
    {
        var results = new TOut[items.Count];
        try
        {
            Parallel.For(0, items.Count, k => results[k] = step(items[k], k));
        }
        catch (AggregateException e)
        {
            // Surface the first party's abort or error as itself, not wrapped.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            throw;
        }

        return [.. results];
    }
}
