using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;
using Conclave.Threshold.Cggmp.AuxInfo;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>CGGMP21 auxiliary information: honest run, and each check names exactly the cheating party.</summary>
public sealed class AuxInfoTests
{
    [Fact]
    public void Honest_parties_agree_on_every_parties_auxiliary_information()
    {
        var infos = Run(3);
        try
        {
            foreach (var info in infos)
            {
                Assert.Equal(3, info.Parties.Count);
                foreach (var (j, aux) in info.Parties)
                {
                    var reference = infos[0].Parties[j];
                    Assert.Equal(0, aux.Paillier.N.CompareTo(reference.Paillier.N));
                    Assert.Equal(0, aux.RingPedersen.S.CompareTo(reference.RingPedersen.S));
                    Assert.Equal(0, aux.RingPedersen.T.CompareTo(reference.RingPedersen.T));
                    Assert.True(aux.Paillier.Bits >= 2047);
                }

                // The own key decrypts what others encrypt to it.
                using var m = GmpInteger.FromUInt64(123456789);
                var (c, rho) = info.Parties[info.Self].Paillier.Encrypt(m);
                using (c)
                using (rho)
                using (var back = info.PaillierKey.Decrypt(c))
                {
                    Assert.Equal(0, back.CompareTo(m));
                }
            }
        }
        finally
        {
            infos.ForEach(i => i.Dispose());
        }
    }

    [Fact]
    public void A_reveal_that_does_not_open_the_commitment_names_its_sender()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Run(3, tamperReveal: m => m.Sender.Value == 2 ? m with { Rho = Flip(m.Rho) } : m));
        Assert.Equal(AbortReason.InvalidDecommitment, abort.Reason);
        Assert.Equal([Id(2)], abort.Culprits);
    }

    [Fact]
    public void Invalid_ring_pedersen_proof_names_the_prover_even_when_committed_consistently()
    {
        // Party 3 commits to a reveal whose Π^prm is corrupted, so the decommitment check passes.
        var abort = Assert.Throws<ProtocolAbortException>(() => Run(3, forgeReveal: m =>
            m.Sender.Value == 3 ? m with { ParametersProof = Flip(m.ParametersProof, m.ParametersProof.Length - 1) } : m));
        Assert.Equal(AbortReason.InvalidRingPedersenProof, abort.Reason);
        Assert.Equal([Id(3)], abort.Culprits);
    }

    [Fact]
    public void Swapped_ring_pedersen_parameters_are_rejected()
    {
        // s and t exchanged: the proof no longer matches the parameters.
        var abort = Assert.Throws<ProtocolAbortException>(() => Run(3, forgeReveal: m =>
            m.Sender.Value == 1 ? m with { S = m.T, T = m.S } : m));
        Assert.Equal(AbortReason.InvalidRingPedersenProof, abort.Reason);
        Assert.Equal([Id(1)], abort.Culprits);
    }

    [Fact]
    public void A_forged_modulus_proof_names_the_prover()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Run(3, tamperProof: m =>
            m.Sender.Value == 2 ? m with { ModulusProof = Flip(m.ModulusProof, m.ModulusProof.Length - 1) } : m));
        Assert.Equal(AbortReason.InvalidModulusProof, abort.Reason);
        Assert.Equal([Id(2)], abort.Culprits);
    }

    [Fact]
    public void A_forged_no_small_factor_proof_names_the_prover()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Run(3, tamperProof: m =>
            m.Sender.Value == 1 && m.Recipient.Value == 3 ? m with { FactorProof = Flip(m.FactorProof, m.FactorProof.Length - 1) } : m));
        Assert.Equal(AbortReason.InvalidFactorProof, abort.Reason);
        Assert.Equal([Id(1)], abort.Culprits);
    }

    [Fact]
    public void A_modulus_with_a_small_factor_is_caught_by_the_no_small_factor_proof()
    {
        // BitForge: party 2 uses N = p·q with a 128-bit p (both primes ≡ 3 mod 4, so N is still a
        // Blum integer and Π^mod passes); Π^fac must fail.
        using var small = PrimeCongruentThreeModFour(128);
        using var big = PrimeCongruentThreeModFour(1920);
        var weak = new PaillierSecretKey(small, big);
        Assert.True(weak.PublicKey.Bits >= 2047);
        var abort = Assert.Throws<ProtocolAbortException>(() => Run(3, keyOverride: id => id.Value == 2 ? weak : null));
        Assert.Equal(AbortReason.InvalidFactorProof, abort.Reason);
        Assert.Equal([Id(2)], abort.Culprits);
    }

    [Fact]
    public void A_modulus_below_the_minimum_size_is_rejected()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Run(3, forgeReveal: m =>
            m.Sender.Value == 3 ? m with { Modulus = m.Modulus[1..] } : m));
        Assert.Equal(AbortReason.MalformedMessage, abort.Reason);
        Assert.Equal([Id(3)], abort.Culprits);
    }

    [Fact]
    public void Equivocating_commitments_are_caught_by_the_echo()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Run(3, tamperCommit: (from, to, m) =>
            from.Value == 1 && to.Value == 3 ? m with { Commitment = Flip(m.Commitment) } : m));
        Assert.Equal(AbortReason.Equivocation, abort.Reason);
        Assert.Equal([Id(1)], abort.Culprits);
    }

    internal static List<CggmpAuxInfo> Run(
        int n,
        Func<ParticipantId, ParticipantId, AuxCommitMessage, AuxCommitMessage>? tamperCommit = null,
        Func<AuxRevealMessage, AuxRevealMessage>? tamperReveal = null,
        Func<AuxRevealMessage, AuxRevealMessage>? forgeReveal = null,
        Func<AuxProofMessage, AuxProofMessage>? tamperProof = null,
        Func<ParticipantId, PaillierSecretKey?>? keyOverride = null)
    {
        var session = SessionId.Random();
        var ids = Enumerable.Range(1, n).Select(Id).ToList();
        var parties = ids.Select((id, k) => new AuxInfoParty(session, id, ids, keyOverride?.Invoke(id) ?? TestOnlySafePrimes.CreateKey(2 * k, (2 * k) + 1))).ToList();
        try
        {
            var commits = parties.Select(p => p.Round1()).ToList();
            var honestCommits = commits.Select(c => c.Commitment).ToList();

            // A forging party commits to its altered reveal (so the decommitment check passes) and
            // keeps its own view consistent, as a cheater that skips its own checks would.
            var reveals = new Dictionary<ParticipantId, AuxRevealMessage>();
            var cheaters = new HashSet<int>();
            if (forgeReveal is not null)
            {
                for (var k = 0; k < n; k++)
                {
                    var honest = parties[k].PeekReveal();
                    var forged = forgeReveal(honest);
                    if (!ReferenceEquals(forged, honest))
                    {
                        reveals[ids[k]] = forged;
                        cheaters.Add(k);
                        commits[k] = commits[k] with { Commitment = AuxInfoParty.HashCommitment(session, n, forged.Sender, forged.Modulus, forged.S, forged.T, forged.ParametersProof, forged.Rho, forged.Nonce) };
                    }
                }
            }

            var echoes = parties.Select(p => p.Round2([.. commits.Where(c => c.Sender != p.Self).Select(c => tamperCommit?.Invoke(c.Sender, p.Self, c) ?? c)])).ToList();
            echoes = [.. echoes.Select((e, k) => cheaters.Contains(k) ? e with { Commitments = [.. e.Commitments.Select((v, pos) => pos == k ? commits[k].Commitment : v)] } : e)];
            var round3 = parties.Select((p, k) => p.Round3([.. echoes.Where(e => e.Sender != p.Self).Select(e => cheaters.Contains(k) ? e with { Commitments = [.. e.Commitments.Select((v, pos) => pos == k ? honestCommits[k] : v)] } : e)])).ToList();
            var sent = round3.Select(r => reveals.GetValueOrDefault(r.Sender) ?? tamperReveal?.Invoke(r) ?? r).ToList();
            var proofs = parties.SelectMany(p => p.Round4([.. sent.Where(r => r.Sender != p.Self)])).Select(m => tamperProof?.Invoke(m) ?? m).ToList();
            return [.. parties.Select(p => p.Finish([.. proofs.Where(m => m.Sender != p.Self)]))];
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }

    private static ParticipantId Id(int i) => new((ushort)i);

    private static byte[] Flip(byte[] b, int index = 0)
    {
        var c = (byte[])b.Clone();
        c[index] ^= 1;
        return c;
    }

    private static GmpInteger PrimeCongruentThreeModFour(int bits)
    {
        while (true)
        {
            using var r = GmpInteger.RandomBits(bits, SystemRandomSource.Instance);
            var bytes = r.ToBytes((bits + 7) / 8);
            bytes[0] |= 0x80;
            bytes[^1] |= 3;
            var candidate = GmpInteger.FromBytes(bytes);
            for (var step = 0; step < 100000; step++)
            {
                if (candidate.IsProbablePrime(30))
                {
                    return candidate;
                }

                using var four = GmpInteger.FromUInt64(4);
                var next = GmpInteger.Add(candidate, four);
                candidate.Dispose();
                candidate = next;
            }

            candidate.Dispose();
        }
    }
}
