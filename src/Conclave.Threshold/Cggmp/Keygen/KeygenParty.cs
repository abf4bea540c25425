using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;
using Conclave.Threshold.Cggmp.Internal;
using Conclave.Threshold.Frost.Keys;

namespace Conclave.Threshold.Cggmp.Keygen;

/// <summary>
/// One party of CGGMP21 threshold (t-of-n) key generation on secp256k1, as the Lockness CGGMP21
/// implementation spec describes it ("Threshold Key Generation"; the paper's Fig. 5 with Feldman
/// VSS), with the reliability check (echo of round-one commitments) always on:
/// <list type="number">
/// <item>commit: V_i = H(sid, n, i, t, rid_i, S_i, A_i, u_i);</item>
/// <item>echo the commitments received, so equivocation aborts before anything is revealed;</item>
/// <item>reveal (rid_i, S_i, A_i, u_i) and send σ_{i,j} = f_i(j) privately;</item>
/// <item>check decommitments and shares, derive x_i and every X_j, prove knowledge of x_i (Π^sch)
/// with a challenge bound to sid, i and rid = ⊕ rid_j;</item>
/// <item>verify every proof and output the key share.</item>
/// </list>
/// Each method is one step of the state machine: it takes the messages received in the previous
/// round and returns the messages to send. A failed check throws <see cref="ProtocolAbortException"/>
/// naming every party that failed it.
/// <para>
/// <see cref="Refresh"/> runs the same rounds as a proactive key refresh (the threshold form of the
/// paper's Fig. 6 key refresh): every party deals a polynomial whose constant term is zero (its
/// commitment's constant term must be the identity, else the dealer is named), and adds the shares
/// to its old share: x'_i = x_i + Σ_j f_j(i), X'_k = X_k + Σ_j F_j(k). The public key does not
/// change; shares from before and after the refresh do not combine. New auxiliary information comes
/// from a fresh <see cref="AuxInfo.AuxInfoParty"/> run with new Paillier keys alongside.
/// </para>
/// </summary>
public sealed class KeygenParty : IDisposable
{
    private const string CommitProtocol = "conclave/cggmp21/keygen/hash-com/v1";
    private const string RefreshCommitProtocol = "conclave/cggmp21/refresh/hash-com/v1";
    private const string SchnorrProtocol = "conclave/cggmp21/keygen/sch/v1";

    private readonly PrimeOrderGroup _group = Secp256k1Group.Instance;
    private readonly IRandomSource _random;
    private readonly List<ParticipantId> _parties;
    private readonly byte[] _rid = new byte[32];
    private readonly byte[] _nonce = new byte[32];
    private readonly SecretBytes _alpha;
    private readonly Polynomial _polynomial;
    private readonly VssCommitment _commitment;
    private readonly Element _schnorrCommitment;
    private readonly RefreshBase? _refresh;
    private Stage _stage = Stage.Created;
    private Dictionary<ParticipantId, byte[]> _commitments = [];
    private Dictionary<ParticipantId, KeygenRevealMessage> _reveals = [];
    private Dictionary<ParticipantId, Element> _publicShares = [];
    private Element? _publicKey;
    private byte[] _ridCombined = [];
    private SecretBytes? _share;

    /// <summary>Creates the party and draws its secrets.</summary>
    /// <param name="session">The session id (bound into every hash and proof).</param>
    /// <param name="self">This party.</param>
    /// <param name="parties">All n parties (identifiers are the Shamir evaluation points).</param>
    /// <param name="threshold">t, the number of parties needed to sign (2 ≤ t ≤ n).</param>
    /// <param name="random">Randomness (the OS CSPRNG by default).</param>
    public KeygenParty(SessionId session, ParticipantId self, IReadOnlyCollection<ParticipantId> parties, int threshold, IRandomSource? random = null)
        : this(session, self, parties, threshold, null, random)
    {
    }

    private KeygenParty(SessionId session, ParticipantId self, IReadOnlyCollection<ParticipantId> parties, int threshold, CggmpCoreKeyShare? refresh, IRandomSource? random)
    {
        _parties = Rounds.PartyList(parties, self);
        TrustedDealer.CheckParameters(threshold, _parties.Count);
        Session = session;
        Self = self;
        Threshold = threshold;
        _random = random ?? SystemRandomSource.Instance;
        if (refresh is not null)
        {
            _refresh = new RefreshBase(refresh.PublicKey, new Dictionary<ParticipantId, Element>(refresh.PublicShares), SecretBytes.Copy(refresh.SecretShare));
        }

        Span<byte> secret = stackalloc byte[32];
        try
        {
            if (refresh is null)
            {
                _group.RandomScalar(_random, secret);
            }
            else
            {
                secret.Clear(); // a refresh polynomial shares zero
            }

            _polynomial = Polynomial.Create(_group, secret, threshold, _random);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        _commitment = _polynomial.Commit();
        _random.Fill(_rid);
        _random.Fill(_nonce);
        var g = _group;
        var rng = _random;
        Element? a = null;
        _alpha = SecretBytes.Create(32, 0, (span, _) => a = SchnorrProof.Commit(g, rng, span));
        _schnorrCommitment = a!;
    }

    private enum Stage
    {
        Created,
        Committed,
        Echoed,
        Revealed,
        Proved,
        Finished,
    }

    /// <summary>The session.</summary>
    public SessionId Session { get; }

    /// <summary>Whether this run refreshes an existing key rather than generating one.</summary>
    public bool IsRefresh => _refresh is not null;

    /// <summary>This party.</summary>
    public ParticipantId Self { get; }

    /// <summary>The threshold t.</summary>
    public int Threshold { get; }

    /// <summary>Round 1: broadcast the hash commitment.</summary>
    public KeygenCommitMessage Round1()
    {
        Advance(Stage.Created, Stage.Committed);
        var v = HashCommitment(Self, _rid, _commitment, _schnorrCommitment, _nonce);
        _commitments[Self] = v;
        return new KeygenCommitMessage(Session, Self, v);
    }

    /// <summary>Round 2: receive every other party's commitment; broadcast the echo of all of them.</summary>
    public KeygenEchoMessage Round2(IReadOnlyCollection<KeygenCommitMessage> commitments)
    {
        Advance(Stage.Committed, Stage.Echoed);
        var received = Collect(commitments, 1);
        var malformed = received.Where(kv => kv.Value.Commitment.Length != 32).Select(kv => kv.Key).Order().ToList();
        Rounds.Abort(AbortReason.MalformedMessage, malformed, "a commitment must be 32 bytes");
        foreach (var (j, m) in received)
        {
            _commitments[j] = m.Commitment;
        }

        return new KeygenEchoMessage(Session, Self, [.. _parties.Select(p => _commitments[p])]);
    }

    /// <summary>
    /// Round 3: compare every echo with this party's own view (a mismatch at position k means
    /// party k sent different commitments to different parties), then reveal and deal shares.
    /// </summary>
    public (KeygenRevealMessage Reveal, IReadOnlyList<KeygenShareMessage> Shares) Round3(IReadOnlyCollection<KeygenEchoMessage> echoes)
    {
        Advance(Stage.Echoed, Stage.Revealed);
        var received = Collect(echoes, 2);
        Rounds.CheckEchoes(received.Values.Select(e => (e.Sender, e.Commitments)), _parties, _commitments);

        var shares = new List<KeygenShareMessage>(_parties.Count - 1);
        Span<byte> sigma = stackalloc byte[32];
        try
        {
            foreach (var j in _parties.Where(p => p != Self))
            {
                _polynomial.Evaluate(j, sigma);
                shares.Add(new KeygenShareMessage(Session, Self, j, sigma));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sigma);
        }

        return (new KeygenRevealMessage(Session, Self, (byte[])_rid.Clone(), _commitment, _schnorrCommitment, (byte[])_nonce.Clone()), shares);
    }

    /// <summary>
    /// Round 4: check every decommitment against its round-one hash and every received share
    /// against its dealer's VSS commitment (a complaint names the dealer); derive x_i, X_j and Y;
    /// broadcast the Schnorr proof of knowledge of x_i.
    /// </summary>
    public KeygenProofMessage Round4(IReadOnlyCollection<KeygenRevealMessage> reveals, IReadOnlyCollection<KeygenShareMessage> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        Advance(Stage.Revealed, Stage.Proved);
        var opened = Collect(reveals, 3);
        var mine = shares.Where(s => s.Recipient == Self).ToList();
        var received = Collect(mine, 3);

        var malformed = opened
            .Where(kv => kv.Value.Rid.Length != 32 || kv.Value.Nonce.Length != 32
                || kv.Value.Coefficients.Coefficients.Count != Threshold
                || !ReferenceEquals(kv.Value.Coefficients.Group, _group)
                || kv.Value.Coefficients.ConstantTerm.IsIdentity != IsRefresh
                || kv.Value.Coefficients.Coefficients.Skip(1).Any(c => c.IsIdentity)
                || kv.Value.SchnorrCommitment.IsIdentity || !ReferenceEquals(kv.Value.SchnorrCommitment.Group, _group))
            .Select(kv => kv.Key)
            .Concat(received.Where(kv => !_group.IsCanonicalScalar(kv.Value.Share)).Select(kv => kv.Key))
            .Distinct().Order().ToList();
        Rounds.Abort(AbortReason.MalformedMessage, malformed, $"the reveal must carry 32-byte rid and nonce, {Threshold} coefficient commitments (the first the identity exactly when refreshing) and a valid Schnorr commitment; shares must be canonical scalars");

        var badOpenings = opened
            .Where(kv => !CryptographicOperations.FixedTimeEquals(
                HashCommitment(kv.Key, kv.Value.Rid, kv.Value.Coefficients, kv.Value.SchnorrCommitment, kv.Value.Nonce), _commitments[kv.Key]))
            .Select(kv => kv.Key).Order().ToList();
        Rounds.Abort(AbortReason.InvalidDecommitment, badOpenings, "the revealed values do not match the round-one commitment");

        var complaints = received
            .Where(kv => !opened[kv.Key].Coefficients.Verify(Self, kv.Value.Share))
            .Select(kv => kv.Key).Order().ToList();
        Rounds.Abort(AbortReason.InvalidSecretShare, complaints, "the secret share does not match the dealer's commitment");

        _reveals = opened;
        _ridCombined = (byte[])_rid.Clone();
        foreach (var r in opened.Values)
        {
            for (var b = 0; b < 32; b++)
            {
                _ridCombined[b] ^= r.Rid[b];
            }
        }

        var all = opened.Values.Select(r => r.Coefficients).Append(_commitment).ToList();
        var summed = VssCommitment.Sum(all);
        if (_refresh is not null)
        {
            // Every dealt polynomial has constant term zero (checked above), so Y is unchanged.
            _publicKey = _refresh.PublicKey;
            _publicShares = _parties.ToDictionary(p => p, p => _group.Add(_refresh.PublicShares[p], summed.Evaluate(p)));
        }
        else
        {
            _publicKey = summed.ConstantTerm;
            if (_publicKey.IsIdentity)
            {
                throw new ProtocolAbortException(AbortReason.MalformedMessage, [.. opened.Keys.Order()], "the public key is the identity");
            }

            _publicShares = _parties.ToDictionary(p => p, summed.Evaluate);
        }

        Span<byte> x = stackalloc byte[32];
        try
        {
            _polynomial.Evaluate(Self, x);
            if (_refresh is not null)
            {
                _group.ScalarAdd(x, _refresh.Share.Span, x);
            }

            foreach (var s in received.Values)
            {
                _group.ScalarAdd(x, s.Share, x);
            }

            _share = SecretBytes.Copy(x);
            var e = Challenge(Self, _publicShares[Self], _schnorrCommitment);
            return new KeygenProofMessage(Session, Self, SchnorrProof.Respond(_group, _alpha.Span, e, x));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(x);
            _alpha.Dispose();
            _polynomial.Dispose();
        }
    }

    /// <summary>Output: verify every party's proof of knowledge of its share and return this party's key share.</summary>
    public CggmpCoreKeyShare Finish(IReadOnlyCollection<KeygenProofMessage> proofs)
    {
        Advance(Stage.Proved, Stage.Finished);
        var received = Collect(proofs, 4);
        var invalid = received
            .Where(kv => !SchnorrProof.Verify(_publicShares[kv.Key], _reveals[kv.Key].SchnorrCommitment, Challenge(kv.Key, _publicShares[kv.Key], _reveals[kv.Key].SchnorrCommitment), kv.Value.Response))
            .Select(kv => kv.Key).Order().ToList();
        Rounds.Abort(AbortReason.InvalidSchnorrProof, invalid, "the proof of knowledge of the key share failed");
        using (_share)
        {
            return new CggmpCoreKeyShare(Self, Threshold, _publicKey!, _publicShares, _share!.Span);
        }
    }

    /// <summary>
    /// Creates one party of a proactive refresh of <paramref name="share"/>'s key among all of its
    /// parties (same threshold). The old share stays owned by the caller; it should be deleted
    /// once the refreshed share (and the new aux info) is stored.
    /// </summary>
    public static KeygenParty Refresh(SessionId session, CggmpCoreKeyShare share, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(share);
        return new KeygenParty(session, share.Self, [.. share.PublicShares.Keys], share.Threshold, share, random);
    }

    /// <summary>Wipes every secret this party still holds.</summary>
    public void Dispose()
    {
        _alpha.Dispose();
        _polynomial.Dispose();
        _share?.Dispose();
        _refresh?.Share.Dispose();
    }

    private byte[] HashCommitment(ParticipantId j, byte[] rid, VssCommitment coefficients, Element schnorrCommitment, byte[] nonce)
    {
        using var t = new Transcript(IsRefresh ? RefreshCommitProtocol : CommitProtocol);
        t.Append("sid", Session.Bytes);
        if (_refresh is not null)
        {
            t.Append("Y", _refresh.PublicKey);
        }

        t.Append("n", (ulong)_parties.Count);
        t.Append("i", j.Value);
        t.Append("t", (ulong)Threshold);
        t.Append("rid", rid);
        t.Append("S.count", (ulong)coefficients.Coefficients.Count);
        foreach (var s in coefficients.Coefficients)
        {
            t.Append("S", s);
        }

        t.Append("A", schnorrCommitment);
        t.Append("u", nonce);
        var v = new byte[32];
        t.ChallengeBytes("V", v);
        return v;
    }

    private byte[] Challenge(ParticipantId j, Element x, Element a)
    {
        using var t = new Transcript(SchnorrProtocol);
        t.Append("sid", Session.Bytes);
        t.Append("i", j.Value);
        t.Append("rid", _ridCombined);
        return SchnorrProof.Challenge(t, x, a);
    }

    /// <summary>The key being refreshed: Y, the old X_k, and the old share x_i (wiped with the party).</summary>
    private sealed class RefreshBase(Element publicKey, Dictionary<ParticipantId, Element> publicShares, SecretBytes share)
    {
        public Element PublicKey { get; } = publicKey;

        public Dictionary<ParticipantId, Element> PublicShares { get; } = publicShares;

        public SecretBytes Share { get; } = share;
    }

    private Dictionary<ParticipantId, T> Collect<T>(IReadOnlyCollection<T> messages, int round)
        where T : IProtocolMessage => Rounds.Collect(messages, Session, Self, _parties, round);

    private void Advance(Stage expected, Stage next)
    {
        if (_stage != expected)
        {
            throw new InvalidOperationException($"Keygen is at stage {_stage}; this step needs {expected}.");
        }

        _stage = next;
    }
}
