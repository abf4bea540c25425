using System.Security.Cryptography;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;
using Conclave.Threshold.Cggmp.Internal;

namespace Conclave.Threshold.Cggmp.AuxInfo;

/// <summary>
/// One party of the CGGMP21 auxiliary-information protocol (the paper's Fig. 6 aux-info part, as the
/// Lockness implementation spec's "Provisioning Protocol" describes it), with the reliability check on:
/// <list type="number">
/// <item>commit V_i = H(sid, n, i, N_i, s_i, t_i, ψ̂_i, ρ_i, u_i), where ψ̂_i is Π^prm for (N_i, s_i, t_i);</item>
/// <item>echo the commitments received (equivocation aborts);</item>
/// <item>reveal (N_i, s_i, t_i, ψ̂_i, ρ_i, u_i);</item>
/// <item>check every reveal (decommitment, modulus size, Π^prm); with ρ = ⊕ ρ_j send Π^mod for N_i
/// and, to each j, Π^fac for N_i under j's ring-Pedersen parameters;</item>
/// <item>verify Π^mod and Π^fac of every party and output the auxiliary information.</item>
/// </list>
/// Nothing is output (or stored) unless every check passed. The Paillier key comes from the
/// caller (freshly generated from safe primes, or from an encrypted pool of pre-generated primes).
/// </summary>
public sealed class AuxInfoParty : IDisposable
{
    private const string CommitProtocol = "conclave/cggmp21/aux/hash-com/v1";

    private readonly List<ParticipantId> _parties;
    private readonly IRandomSource _random;
    private readonly PaillierSecretKey _paillierKey;
    private readonly RingPedersenSecret _ringPedersen;
    private readonly byte[] _prmProof;
    private readonly byte[] _rho = new byte[32];
    private readonly byte[] _nonce = new byte[32];
    private readonly int _minimumModulusBits;
    private readonly Dictionary<ParticipantId, byte[]> _commitments = [];
    private Dictionary<ParticipantId, PartyAuxInfo> _peers = [];
    private byte[] _rhoCombined = [];
    private int _stage;
    private bool _handedOver;

    /// <summary>Creates the party; it takes ownership of <paramref name="paillierKey"/>.</summary>
    /// <param name="session">The session id.</param>
    /// <param name="self">This party.</param>
    /// <param name="parties">All n parties.</param>
    /// <param name="paillierKey">This party's new Paillier key (N = pq with safe primes p, q).</param>
    /// <param name="random">Randomness.</param>
    /// <param name="minimumModulusBits">The smallest peer modulus accepted (2047 bits in production; tests may lower it).</param>
    public AuxInfoParty(SessionId session, ParticipantId self, IReadOnlyCollection<ParticipantId> parties, PaillierSecretKey paillierKey, IRandomSource? random = null, int minimumModulusBits = Cggmp21Parameters.MinimumModulusBits)
    {
        ArgumentNullException.ThrowIfNull(paillierKey);
        _parties = Rounds.PartyList(parties, self);
        if (_parties.Count < 2)
        {
            throw new ArgumentException("Aux info needs at least two parties.", nameof(parties));
        }

        if (paillierKey.PublicKey.Bits < minimumModulusBits)
        {
            throw new ArgumentException($"The Paillier modulus must have at least {minimumModulusBits} bits.", nameof(paillierKey));
        }

        Session = session;
        Self = self;
        _random = random ?? SystemRandomSource.Instance;
        _minimumModulusBits = minimumModulusBits;
        _paillierKey = paillierKey;
        _ringPedersen = RingPedersenSecret.Generate(paillierKey, _random);
        using (var proof = RingPedersenParametersProof.Prove(Context(Self, []), _ringPedersen, _random))
        {
            _prmProof = proof.Serialize();
        }

        _random.Fill(_rho);
        _random.Fill(_nonce);
    }

    /// <summary>The session.</summary>
    public SessionId Session { get; }

    /// <summary>This party.</summary>
    public ParticipantId Self { get; }

    /// <summary>Round 1: broadcast the hash commitment.</summary>
    public AuxCommitMessage Round1()
    {
        Advance(0);
        var rp = _ringPedersen.Parameters;
        var v = HashCommitment(Self, rp.N.ToBytes(), rp.S.ToBytes(), rp.T.ToBytes(), _prmProof, _rho, _nonce);
        _commitments[Self] = v;
        return new AuxCommitMessage(Session, Self, v);
    }

    /// <summary>Round 2: record every commitment and echo them.</summary>
    public AuxEchoMessage Round2(IReadOnlyCollection<AuxCommitMessage> commitments)
    {
        Advance(1);
        var received = Collect(commitments, 1);
        Rounds.Abort(AbortReason.MalformedMessage, [.. received.Where(kv => kv.Value.Commitment.Length != 32).Select(kv => kv.Key).Order()], "a commitment must be 32 bytes");
        foreach (var (j, m) in received)
        {
            _commitments[j] = m.Commitment;
        }

        return new AuxEchoMessage(Session, Self, [.. _parties.Select(p => _commitments[p])]);
    }

    /// <summary>The reveal this party will send in round 3 (its values are fixed at construction); for tests that play a cheating party.</summary>
    internal AuxRevealMessage PeekReveal()
    {
        var rp = _ringPedersen.Parameters;
        return new AuxRevealMessage(Session, Self, rp.N.ToBytes(), rp.S.ToBytes(), rp.T.ToBytes(), (byte[])_prmProof.Clone(), (byte[])_rho.Clone(), (byte[])_nonce.Clone());
    }

    /// <summary>Round 3: check the echoes, then reveal.</summary>
    public AuxRevealMessage Round3(IReadOnlyCollection<AuxEchoMessage> echoes)
    {
        Advance(2);
        var received = Collect(echoes, 2);
        Rounds.CheckEchoes(received.Values.Select(e => (e.Sender, e.Commitments)), _parties, _commitments);
        return PeekReveal();
    }

    /// <summary>
    /// Round 4: check every reveal — decommitment, modulus size, Π^prm — then prove N_i is a
    /// Paillier-Blum modulus (Π^mod) and has no small factor (Π^fac, one per recipient).
    /// </summary>
    public IReadOnlyList<AuxProofMessage> Round4(IReadOnlyCollection<AuxRevealMessage> reveals)
    {
        Advance(3);
        var received = Collect(reveals, 3);
        Rounds.Abort(AbortReason.MalformedMessage, [.. received.Where(kv => kv.Value.Rho.Length != 32 || kv.Value.Nonce.Length != 32).Select(kv => kv.Key).Order()], "rho and the nonce must be 32 bytes");
        Rounds.Abort(
            AbortReason.InvalidDecommitment,
            [.. received.Where(kv => !CryptographicOperations.FixedTimeEquals(_commitments[kv.Key], HashCommitment(kv.Key, kv.Value.Modulus, kv.Value.S, kv.Value.T, kv.Value.ParametersProof, kv.Value.Rho, kv.Value.Nonce))).Select(kv => kv.Key).Order()],
            "the revealed values do not match the round-one commitment");

        var peers = new Dictionary<ParticipantId, PartyAuxInfo>();
        try
        {
            var badModulus = new List<ParticipantId>();
            var badProof = new List<ParticipantId>();
            foreach (var (j, m) in received.OrderBy(kv => kv.Key))
            {
                using var n = GmpInteger.FromBytes(m.Modulus);
                using var s = GmpInteger.FromBytes(m.S);
                using var t = GmpInteger.FromBytes(m.T);
                if (n.BitLength < _minimumModulusBits || !n.IsOdd)
                {
                    badModulus.Add(j);
                    continue;
                }

                var parameters = new RingPedersenParameters(n, s, t);
                var ok = RingPedersenParametersProof.TryDeserialize(m.ParametersProof, out var proof);
                using (proof)
                {
                    ok = ok && parameters.IsWellFormed() && proof!.Verify(Context(j, []), parameters);
                }

                if (!ok)
                {
                    parameters.Dispose();
                    badProof.Add(j);
                    continue;
                }

                peers[j] = new PartyAuxInfo(new PaillierPublicKey(n), parameters);
            }

            Rounds.Abort(AbortReason.MalformedMessage, badModulus, $"the Paillier modulus must be odd with at least {_minimumModulusBits} bits");
            Rounds.Abort(AbortReason.InvalidRingPedersenProof, badProof, "the ring-Pedersen parameters or their proof are invalid");
        }
        catch
        {
            foreach (var p in peers.Values)
            {
                p.Dispose();
            }

            throw;
        }

        _peers = peers;
        _rhoCombined = (byte[])_rho.Clone();
        foreach (var r in received.Values)
        {
            for (var b = 0; b < 32; b++)
            {
                _rhoCombined[b] ^= r.Rho[b];
            }
        }

        var context = Context(Self, _rhoCombined);
        byte[] modulusProof;
        using (var mod = PaillierBlumModulusProof.Prove(context, _paillierKey, _random))
        {
            modulusProof = mod.Serialize();
        }

        var messages = new List<AuxProofMessage>();
        foreach (var (j, peer) in _peers.OrderBy(kv => kv.Key))
        {
            using var fac = NoSmallFactorProof.Prove(context, _paillierKey, peer.RingPedersen, _random);
            messages.Add(new AuxProofMessage(Session, Self, j, modulusProof, fac.Serialize()));
        }

        return messages;
    }

    /// <summary>Output: verify every party's Π^mod and its Π^fac under this party's parameters; return the auxiliary information.</summary>
    public CggmpAuxInfo Finish(IReadOnlyCollection<AuxProofMessage> proofs)
    {
        ArgumentNullException.ThrowIfNull(proofs);
        Advance(4);
        var received = Collect([.. proofs.Where(p => p.Recipient == Self)], 4);
        var mine = _ringPedersen.Parameters;
        var badMod = new List<ParticipantId>();
        var badFac = new List<ParticipantId>();
        foreach (var (j, m) in received.OrderBy(kv => kv.Key))
        {
            var n = _peers[j].Paillier.N;
            var context = Context(j, _rhoCombined);
            var modOk = PaillierBlumModulusProof.TryDeserialize(m.ModulusProof, out var mod);
            using (mod)
            {
                if (!modOk || !mod!.Verify(context, n, _minimumModulusBits))
                {
                    badMod.Add(j);
                }
            }

            var facOk = NoSmallFactorProof.TryDeserialize(m.FactorProof, out var fac);
            using (fac)
            {
                if (!facOk || !fac!.Verify(context, n, mine, _minimumModulusBits, _paillierKey))
                {
                    badFac.Add(j);
                }
            }
        }

        Rounds.Abort(AbortReason.InvalidModulusProof, badMod, "Π^mod: the modulus is not a valid Paillier-Blum modulus");
        Rounds.Abort(AbortReason.InvalidFactorProof, badFac, "Π^fac: the modulus may have a small factor");

        var all = new SortedDictionary<ParticipantId, PartyAuxInfo>(_peers)
        {
            [Self] = new PartyAuxInfo(new PaillierPublicKey(_paillierKey.PublicKey.N), new RingPedersenParameters(mine.N, mine.S, mine.T)),
        };
        _handedOver = true;
        return new CggmpAuxInfo(Self, _paillierKey, all);
    }

    /// <summary>Wipes the secrets this party still owns.</summary>
    public void Dispose()
    {
        _ringPedersen.Dispose();
        if (!_handedOver)
        {
            _paillierKey.Dispose();
            foreach (var p in _peers.Values)
            {
                p.Dispose();
            }
        }
    }

    /// <summary>The proof context: session, prover and (after round 3) ρ — the spec's (sid, i) and (sid, i, ρ).</summary>
    private byte[] Context(ParticipantId prover, byte[] rho)
    {
        using var t = new Transcript("conclave/cggmp21/aux/context/v1");
        t.Append("sid", Session.Bytes);
        t.Append("prover", prover.Value);
        t.Append("parties", (ulong)_parties.Count);
        foreach (var p in _parties)
        {
            t.Append("party", p.Value);
        }

        t.Append("rho", rho);
        var c = new byte[32];
        t.ChallengeBytes("context", c);
        return c;
    }

    private byte[] HashCommitment(ParticipantId j, byte[] n, byte[] s, byte[] t, byte[] proof, byte[] rho, byte[] nonce) =>
        HashCommitment(Session, _parties.Count, j, n, s, t, proof, rho, nonce);

    /// <summary>V_j = H(hash_com(sid, n, j, N_j, s_j, t_j, ψ̂_j, ρ_j, u_j)) (also used by tests that play a malicious party).</summary>
    internal static byte[] HashCommitment(SessionId session, int parties, ParticipantId j, byte[] n, byte[] s, byte[] t, byte[] proof, byte[] rho, byte[] nonce)
    {
        using var tr = new Transcript(CommitProtocol);
        tr.Append("sid", session.Bytes);
        tr.Append("n", (ulong)parties);
        tr.Append("i", j.Value);
        tr.Append("N", n);
        tr.Append("s", s);
        tr.Append("t", t);
        tr.Append("psi", proof);
        tr.Append("rho", rho);
        tr.Append("u", nonce);
        var v = new byte[32];
        tr.ChallengeBytes("V", v);
        return v;
    }

    private Dictionary<ParticipantId, T> Collect<T>(IReadOnlyCollection<T> messages, int round)
        where T : IProtocolMessage => Rounds.Collect(messages, Session, Self, _parties, round);

    private void Advance(int expected)
    {
        if (_stage != expected)
        {
            throw new InvalidOperationException($"Aux info is at step {_stage}; this call needs step {expected}.");
        }

        _stage++;
    }
}
