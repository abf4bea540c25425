using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Internal;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Frost;

namespace Conclave.Threshold.Cggmp.Presign;

/// <summary>
/// One signer of CGGMP21 threshold presigning (the paper's Fig. 7 as the Lockness implementation
/// spec's "Threshold Presigning" states it): the Shamir share is mapped to an additive share of the
/// signer set with its Lagrange coefficient, then
/// <list type="number">
/// <item>K_i = Enc(k_i), G_i = Enc(γ_i), Π^enc for K_i to every signer;</item>
/// <item>verify Π^enc; Γ_i = γ_i·G; the two MtA instances (γ_i·k_j and x_i·k_j) with Π^aff-g, and
/// Π^log* for G_i;</item>
/// <item>verify Π^aff-g and Π^log*; Δ_i = k_i·Γ with Π^log*; δ_i and χ_i;</item>
/// <item>verify Π^log*, check δ·G = ΣΔ_j and δ·X = ΣS_j, output R = δ⁻¹·Γ with (k_i, χ_i);</item>
/// <item>only if δ·G ≠ ΣΔ_j: the identification round (H_i with Π^mul, the γ-MtA pairs with Π^aff-g
/// re-proofs, Π^dec for δ_i), which names whoever fails;</item>
/// <item>only if δ·G = ΣΔ_j but δ·X ≠ ΣS_j: the χ identification round (σ_i on a public message,
/// checked against S_i; Ĥ_i with Π^mul*, the χ-MtA pairs with Π^aff-g re-proofs, Π^dec for σ_i),
/// which names whoever fails.</item>
/// </list>
/// Round-one values and Γ_j are echoed so a signer that sends different values to different signers
/// is named. A failing proof names its prover. Each signer also publishes S_i = χ_i·Γ so that a wrong
/// partial signature names its signer (<see cref="CggmpSigning.Combine"/>). When δ·G ≠ ΣΔ_j although
/// every proof passed, <see cref="TryFinish"/> returns false and the identification round
/// (<see cref="IdentificationRound"/>, <see cref="Identify"/>; paper Fig. 7, "Output" 2) names the
/// culprit. When δ·X ≠ ΣS_j (the Lockness spec's check), <see cref="ChiIdentificationRound(ReadOnlySpan{byte})"/>
/// and <see cref="IdentifyChi"/> name the culprit (the paper's signing-time identification, Fig. 8).
/// <see cref="FailedCheck"/> tells which round to run.
/// </summary>
public sealed partial class PresignParty : IDisposable
{
    private readonly Secp256k1Group _g = Secp256k1Group.Instance;
    private readonly IRandomSource _random;
    private readonly List<ParticipantId> _signers;
    private readonly CggmpCoreKeyShare _keyShare;
    private readonly CggmpAuxInfo _aux;
    private readonly Dictionary<ParticipantId, Element> _publicShares = [];
    private readonly GmpInteger _x;
    private readonly GmpInteger _k;
    private readonly GmpInteger _gamma;
    private readonly GmpInteger _rho;
    private readonly GmpInteger _nu;
    private readonly GmpInteger _bigK;
    private readonly GmpInteger _bigG;
    private readonly GmpInteger _q = Cggmp21Parameters.CreateCurveOrder();
    private readonly Dictionary<ParticipantId, (GmpInteger Beta, GmpInteger BetaHat)> _betas = [];
    private readonly Dictionary<ParticipantId, (GmpInteger K, GmpInteger G)> _round1 = [];
    private readonly Dictionary<ParticipantId, byte[]> _echo = [];
    private readonly Dictionary<ParticipantId, Element> _gammas = [];
    private readonly Dictionary<ParticipantId, (byte[] D, byte[] F)> _sentMta = [];
    private readonly Dictionary<ParticipantId, PaillierAffineOperationWitness> _mtaWitnesses = [];
    private readonly Dictionary<ParticipantId, (byte[] D, byte[] F)> _receivedMta = [];
    private readonly Dictionary<ParticipantId, byte[]> _deltas = [];
    private readonly Dictionary<ParticipantId, (byte[] D, byte[] F)> _sentMtaHat = [];
    private readonly Dictionary<ParticipantId, PaillierAffineOperationWitness> _mtaWitnessesHat = [];
    private readonly Dictionary<ParticipantId, (byte[] D, byte[] F)> _receivedMtaHat = [];
    private Dictionary<ParticipantId, PresignatureCommitment>? _commitments;
    private byte[]? _deltaScalar;
    private Element? _bigR;
    private bool _outputChecked;
    private Element? _bigGamma;
    private Element? _bigDelta;
    private Element? _bigS;
    private GmpInteger? _delta;
    private GmpInteger? _chi;
    private int _stage;

    /// <summary>Creates the signer's state. The key share and aux info stay owned by the caller.</summary>
    public PresignParty(SessionId session, CggmpCoreKeyShare keyShare, CggmpAuxInfo aux, IReadOnlyCollection<ParticipantId> signers, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(keyShare);
        ArgumentNullException.ThrowIfNull(aux);
        _signers = Rounds.PartyList(signers, keyShare.Self);
        if (_signers.Count < keyShare.Threshold)
        {
            throw new ArgumentException($"At least {keyShare.Threshold} signers are needed.", nameof(signers));
        }

        var unknown = _signers.Where(s => !keyShare.PublicShares.ContainsKey(s) || !aux.Parties.ContainsKey(s)).ToList();
        if (unknown.Count > 0 || aux.Self != keyShare.Self)
        {
            throw new ArgumentException($"Signer(s) {string.Join(", ", unknown)} have no key share or aux info.", nameof(signers));
        }

        Session = session;
        Self = keyShare.Self;
        _keyShare = keyShare;
        _aux = aux;
        _random = random ?? SystemRandomSource.Instance;

        // Shamir → additive: x_i = λ_i·x'_i, X_j = λ_j·X'_j (spec "Threshold Presigning", step 1).
        Span<byte> xi = stackalloc byte[32];
        try
        {
            foreach (var j in _signers)
            {
                var lambda = FrostMath.DeriveInterpolatingValue(_g, _signers, j);
                _publicShares[j] = _g.MultiplyPublic(keyShare.PublicShares[j], lambda);
                if (j == Self)
                {
                    _g.ScalarMultiply(lambda, keyShare.SecretShare, xi);
                }
            }

            _x = GmpInteger.FromBytes(xi);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(xi);
        }

        _k = RandomScalarInteger();
        _gamma = RandomScalarInteger();
        var own = OwnKey.PublicKey;
        _rho = own.RandomUnit(_random);
        _nu = own.RandomUnit(_random);
        _bigK = OwnKey.EncryptCrt(_k, _rho);
        _bigG = OwnKey.EncryptCrt(_gamma, _nu);
    }

    /// <summary>The session.</summary>
    public SessionId Session { get; }

    /// <summary>This signer.</summary>
    public ParticipantId Self { get; }

    /// <summary>Which output check of <see cref="TryFinish"/> failed (<see cref="PresignOutputCheck.None"/> until one does).</summary>
    public PresignOutputCheck FailedCheck { get; private set; }

    private PaillierSecretKey OwnKey => _aux.PaillierKey;

    private IEnumerable<ParticipantId> Others => _signers.Where(j => j != Self);

    /// <summary>Round 1: (K_i, G_i) and Π^enc to every other signer.</summary>
    public IReadOnlyList<PresignRound1Message> Round1()
    {
        Advance(0);
        _round1[Self] = (_bigK, _bigG);
        _echo[Self] = Digest(_bigK, _bigG);
        var messages = new List<PresignRound1Message>();
        foreach (var j in Others)
        {
            using var proof = PaillierEncryptionInRangeProof.ProveOwn(Context(Self), OwnKey, _bigK, _k, _rho, _aux.Parties[j].RingPedersen, _random);
            messages.Add(new PresignRound1Message(Session, Self, j, _bigK.ToBytes(), _bigG.ToBytes(), proof.Serialize()));
        }

        return messages;
    }

    /// <summary>Round 2: verify every Π^enc, then run both MtA instances with every other signer.</summary>
    public IReadOnlyList<PresignRound2Message> Round2(IReadOnlyCollection<PresignRound1Message> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Advance(1);
        var received = Collect([.. messages.Where(m => m.Recipient == Self)], 1);
        var mine = _aux.Parties[Self].RingPedersen;
        var bad = new List<ParticipantId>();
        foreach (var (j, m) in received.OrderBy(kv => kv.Key))
        {
            var k = GmpInteger.FromBytes(m.K);
            var g = GmpInteger.FromBytes(m.G);
            var pk = _aux.Parties[j].Paillier;
            var ok = pk.IsValidCiphertext(k) && pk.IsValidCiphertext(g) && PaillierEncryptionInRangeProof.TryDeserialize(m.EncProof, out var proof) && Verified(proof, p => p.Verify(Context(j), pk, k, mine, OwnKey));
            if (!ok)
            {
                bad.Add(j);
                k.Dispose();
                g.Dispose();
                continue;
            }

            _round1[j] = (k, g);
            _echo[j] = Digest(k, g);
        }

        Rounds.Abort(AbortReason.InvalidEncryptionProof, bad, "Π^enc: K_j is not an encryption of a value in range");

        var gammaPoint = PointOf(_gamma, secret: true);
        _gammas[Self] = gammaPoint;
        var echo = _signers.Select(j => _echo[j]).ToList();
        var own = OwnKey.PublicKey;
        var result = new List<PresignRound2Message>();
        foreach (var j in Others)
        {
            var pkj = _aux.Parties[j].Paillier;
            var rpj = _aux.Parties[j].RingPedersen;
            var kj = _round1[j].K;
            var beta = GmpInteger.RandomSigned(Cggmp21Parameters.EllPrime, _random);
            var betaHat = GmpInteger.RandomSigned(Cggmp21Parameters.EllPrime, _random);
            _betas[j] = (beta, betaHat);
            var (d, f, proof, witness) = Mta(pkj, rpj, kj, _gamma, beta, gammaPoint);
            _sentMta[j] = (d, f);
            _mtaWitnesses[j] = witness;
            var (dHat, fHat, proofHat, witnessHat) = Mta(pkj, rpj, kj, _x, betaHat, _publicShares[Self]);
            _sentMtaHat[j] = (dHat, fHat);
            _mtaWitnessesHat[j] = witnessHat;
            using var logStar = GroupElementVsPaillierEncryptionProof.ProveOwn(Context(Self), OwnKey, _bigG, gammaPoint, _g.Generator, _gamma, _nu, rpj, _random);
            result.Add(new PresignRound2Message(Session, Self, j, _g.SerializeElement(gammaPoint), d, f, dHat, fHat, proof, proofHat, logStar.Serialize(), echo));
        }

        return result;
    }

    /// <summary>Round 3: check echoes and proofs, compute Γ, Δ_i, δ_i, χ_i; send δ_i, Δ_i with Π^log*, and S_i.</summary>
    public IReadOnlyList<PresignRound3Message> Round3(IReadOnlyCollection<PresignRound2Message> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Advance(2);
        var received = Collect([.. messages.Where(m => m.Recipient == Self)], 2);
        Rounds.CheckEchoes(received.Values.Select(m => (m.Sender, m.Echo)), _signers, _echo);

        var mine = _aux.Parties[Self].RingPedersen;
        var own = OwnKey.PublicKey;
        var badAffine = new List<ParticipantId>();
        var badLogStar = new List<ParticipantId>();
        var alphas = new Dictionary<ParticipantId, (GmpInteger Alpha, GmpInteger AlphaHat)>();
        foreach (var (j, m) in received.OrderBy(kv => kv.Key))
        {
            var pkj = _aux.Parties[j].Paillier;
            if (!_g.TryDeserializeElement(m.Gamma, out var gammaJ))
            {
                badLogStar.Add(j);
                continue;
            }

            using var d = GmpInteger.FromBytes(m.D);
            using var f = GmpInteger.FromBytes(m.F);
            using var dHat = GmpInteger.FromBytes(m.DHat);
            using var fHat = GmpInteger.FromBytes(m.FHat);
            var affineOk =
                PaillierAffineOperationProof.TryDeserialize(m.AffineProof, out var aff) && Verified(aff, p => p.Verify(Context(j), own, pkj, _bigK, d, f, gammaJ, mine, OwnKey))
                && PaillierAffineOperationProof.TryDeserialize(m.AffineProofHat, out var affHat) && Verified(affHat, p => p.Verify(Context(j), own, pkj, _bigK, dHat, fHat, _publicShares[j], mine, OwnKey));
            if (!affineOk)
            {
                badAffine.Add(j);
                continue;
            }

            if (!(GroupElementVsPaillierEncryptionProof.TryDeserialize(m.LogStarProof, out var logStar) && Verified(logStar, p => p.Verify(Context(j), pkj, _round1[j].G, gammaJ, _g.Generator, mine, OwnKey))))
            {
                badLogStar.Add(j);
                continue;
            }

            _gammas[j] = gammaJ;
            _receivedMta[j] = ((byte[])m.D.Clone(), (byte[])m.F.Clone());
            _receivedMtaHat[j] = ((byte[])m.DHat.Clone(), (byte[])m.FHat.Clone());
            alphas[j] = (OwnKey.Decrypt(d), OwnKey.Decrypt(dHat));
        }

        Rounds.Abort(AbortReason.InvalidAffineOperationProof, badAffine, "Π^aff-g: an MtA ciphertext is malformed or out of range");
        Rounds.Abort(AbortReason.InvalidLogStarProof, badLogStar, "Π^log*: Γ_j does not match G_j");

        _bigGamma = _g.Sum(_signers.Select(j => _gammas[j]));
        _bigDelta = PointOf(_k, secret: true, basePoint: _bigGamma);

        // δ_i = γ_i k_i + Σ (α_ij + β_ij), χ_i = x_i k_i + Σ (α̂_ij + β̂_ij)  (mod q).
        using var gk = GmpInteger.Multiply(_gamma, _k);
        using var xk = GmpInteger.Multiply(_x, _k);
        var delta = gk.Clone();
        var chi = xk.Clone();
        foreach (var j in Others)
        {
            using (var a = alphas[j].Alpha)
            using (var ah = alphas[j].AlphaHat)
            {
                Accumulate(ref delta, a, _betas[j].Beta);
                Accumulate(ref chi, ah, _betas[j].BetaHat);
            }
        }

        _delta = GmpInteger.Mod(delta, _q);
        _chi = GmpInteger.Mod(chi, _q);
        delta.Dispose();
        chi.Dispose();

        _bigS = PointOf(_chi, secret: true, basePoint: _bigGamma);
        var gammaEcho = _signers.Select(j => _g.SerializeElement(_gammas[j])).ToList();
        var result = new List<PresignRound3Message>();
        foreach (var j in Others)
        {
            using var proof = GroupElementVsPaillierEncryptionProof.ProveOwn(Context(Self), OwnKey, _bigK, _bigDelta, _bigGamma, _k, _rho, _aux.Parties[j].RingPedersen, _random);
            result.Add(new PresignRound3Message(Session, Self, j, _delta.ToBytes(32), _g.SerializeElement(_bigDelta), _g.SerializeElement(_bigS), proof.Serialize(), gammaEcho));
        }

        return result;
    }

    /// <summary>
    /// Output: verify Π^log* for every Δ_j, check δ·G = ΣΔ_j and δ·X = ΣS_j, and return the
    /// presignature. When either check fails although every proof verified this throws an anonymous
    /// <see cref="AbortReason.InconsistentPresignature"/>; use <see cref="TryFinish"/> and the
    /// identification rounds to name the culprit instead.
    /// </summary>
    public Presignature Finish(IReadOnlyCollection<PresignRound3Message> messages) =>
        TryFinish(messages, out var presignature)
            ? presignature
            : throw new ProtocolAbortException(AbortReason.InconsistentPresignature, [], FailedCheck == PresignOutputCheck.Delta
                ? "δ·G differs from ΣΔ_j although every proof verified; the identification round (IdentificationRound, Identify) names the culprit"
                : "δ·X differs from ΣS_j although every proof verified; the χ identification round (ChiIdentificationRound, IdentifyChi) names the culprit");

    /// <summary>
    /// Output: verify Π^log* for every Δ_j, check δ·G = ΣΔ_j and δ·X = ΣS_j, and return the
    /// presignature. Returns false when δ·G ≠ ΣΔ_j although every proof verified: then every signer
    /// sends <see cref="IdentificationRound"/>'s messages and <see cref="Identify"/> names the
    /// culprit (paper Fig. 7, "Output" 2). Returns false also when δ·G = ΣΔ_j but δ·X ≠ ΣS_j: then
    /// every signer runs <see cref="ChiIdentificationRound(ReadOnlySpan{byte})"/> and
    /// <see cref="IdentifyChi"/>. <see cref="FailedCheck"/> says which. Other failures throw
    /// <see cref="ProtocolAbortException"/>.
    /// </summary>
    public bool TryFinish(IReadOnlyCollection<PresignRound3Message> messages, [NotNullWhen(true)] out Presignature? presignature)
    {
        ArgumentNullException.ThrowIfNull(messages);
        presignature = null;
        Advance(3);
        var received = Collect([.. messages.Where(m => m.Recipient == Self)], 3);
        var ownGammas = _signers.ToDictionary(j => j, j => _g.SerializeElement(_gammas[j]));
        Rounds.CheckEchoes(received.Values.Select(m => (m.Sender, m.GammaEcho)), _signers, ownGammas);

        var mine = _aux.Parties[Self].RingPedersen;
        var bad = new List<ParticipantId>();
        var malformed = new List<ParticipantId>();
        var commitments = new Dictionary<ParticipantId, PresignatureCommitment> { [Self] = new(_bigDelta!, _bigS!) };
        var delta = _delta!.Clone();
        foreach (var (j, m) in received.OrderBy(kv => kv.Key))
        {
            var pkj = _aux.Parties[j].Paillier;
            if (m.Delta.Length != 32 || !_g.IsCanonicalScalar(m.Delta) || !_g.TryDeserializeElement(m.BigDelta, out var bigDeltaJ) || !_g.TryDeserializeElement(m.S, out var sJ))
            {
                malformed.Add(j);
                continue;
            }

            if (!(GroupElementVsPaillierEncryptionProof.TryDeserialize(m.LogStarProof, out var proof) && Verified(proof, p => p.Verify(Context(j), pkj, _round1[j].K, bigDeltaJ, _bigGamma!, mine, OwnKey))))
            {
                bad.Add(j);
                continue;
            }

            commitments[j] = new PresignatureCommitment(bigDeltaJ, sJ);
            _deltas[j] = (byte[])m.Delta.Clone();
            using var dj = GmpInteger.FromBytes(m.Delta);
            var sum = GmpInteger.AddMod(delta, dj, _q);
            delta.Dispose();
            delta = sum;
        }

        Rounds.Abort(AbortReason.MalformedMessage, malformed, "δ_j, Δ_j or S_j is not a canonical scalar or a valid point");
        Rounds.Abort(AbortReason.InvalidLogStarProof, bad, "Π^log*: Δ_j does not match K_j");
        _outputChecked = true;
        _commitments = commitments;

        using (delta)
        {
            var deltaScalar = delta.ToBytes(32);
            _deltaScalar = deltaScalar;

            // The paper's output step (Fig. 7, "Output" 2): with every proof valid, δ·G ≠ ΣΔ_j means
            // some δ_j was computed wrongly; the identification round names its signer.
            if (!_g.MultiplyBase(deltaScalar).Equals(_g.Sum(commitments.Values.Select(c => c.Delta))))
            {
                FailedCheck = PresignOutputCheck.Delta;
                return false;
            }

            // δ = k·γ = 0 happens only with negligible probability (Δ_j are bound to K_j and Γ).
            if (PrimeOrderGroup.IsZero(deltaScalar))
            {
                throw new ProtocolAbortException(AbortReason.InconsistentPresignature, [], "δ is zero: the presignature has no R");
            }

            var inverse = _g.NewScalar();
            _g.ScalarInvertPublic(deltaScalar, inverse);
            var r = _g.MultiplyPublic(_bigGamma!, inverse);
            _bigR = r;

            // The Lockness spec's S_j check. S_j has no proof of its own: when it fails, the χ
            // identification round (PresignParty.ChiIdentification.cs; the paper's signing-time
            // identification, Fig. 8) names the signer whose S_j or χ_j is wrong.
            if (!_g.MultiplyPublic(_keyShare.PublicKey, deltaScalar).Equals(_g.Sum(commitments.Values.Select(c => c.S))))
            {
                FailedCheck = PresignOutputCheck.Chi;
                return false;
            }

            var secrets = SecretBytes.Create(64, (_k, _chi!), static (span, st) =>
            {
                st._k.WriteBytes(span[..32]);
                st.Item2.WriteBytes(span[32..]);
            });
            var publicData = new PresignaturePublicData(Session, [.. _signers], deltaScalar, r, _bigGamma!, _keyShare.PublicKey, new SortedDictionary<ParticipantId, PresignatureCommitment>(commitments));
            presignature = new Presignature(Self, publicData, secrets);
            return true;
        }
    }

    /// <summary>Wipes every secret of the run.</summary>
    public void Dispose()
    {
        foreach (var x in new[] { _x, _k, _gamma, _rho, _nu, _bigK, _bigG, _q })
        {
            x.Dispose();
        }

        foreach (var (b, bh) in _betas.Values)
        {
            b.Dispose();
            bh.Dispose();
        }

        foreach (var (j, (k, g)) in _round1)
        {
            if (j != Self)
            {
                k.Dispose();
                g.Dispose();
            }
        }

        foreach (var w in _mtaWitnesses.Values.Concat(_mtaWitnessesHat.Values))
        {
            w.Dispose();
        }

        _delta?.Dispose();
        _chi?.Dispose();
    }

    private static bool Verified<T>(T? proof, Func<T, bool> verify)
        where T : class, IDisposable
    {
        if (proof is null)
        {
            return false;
        }

        using (proof)
        {
            return verify(proof);
        }
    }

    private static void Accumulate(ref GmpInteger acc, GmpInteger alpha, GmpInteger beta)
    {
        using var a1 = GmpInteger.Add(acc, alpha);
        var a2 = GmpInteger.Add(a1, beta);
        acc.Dispose();
        acc = a2;
    }

    /// <summary>One MtA instance as the sender: D = K_j^x · Enc_j(-β; s), F = Enc_i(-β; r), Π^aff-g.</summary>
    /// <remarks>The witness is kept (γ instance) for the identification round's re-proofs to third parties.</remarks>
    private (byte[] D, byte[] F, byte[] Proof, PaillierAffineOperationWitness Witness) Mta(PaillierPublicKey pkj, RingPedersenParameters rpj, GmpInteger kj, GmpInteger x, GmpInteger beta, Element point)
    {
        using var minusBeta = GmpInteger.Negate(beta);
        using var proof = PaillierAffineOperationProof.ProveAffine(Context(Self), pkj, OwnKey, kj, x, minusBeta, point, rpj, _random, out var d, out var f, out var witness);
        using (d)
        using (f)
        {
            return (d.ToBytes(), f.ToBytes(), proof.Serialize(), witness);
        }
    }

    private Element PointOf(GmpInteger value, bool secret, Element? basePoint = null)
    {
        Span<byte> s = stackalloc byte[32];
        try
        {
            value.WriteBytes(s);
            return basePoint is null ? _g.MultiplyBase(s) : secret ? _g.Multiply(basePoint, s) : _g.MultiplyPublic(basePoint, s);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(s);
        }
    }

    private GmpInteger RandomScalarInteger()
    {
        Span<byte> s = stackalloc byte[32];
        try
        {
            _g.RandomScalar(_random, s);
            return GmpInteger.FromBytes(s);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(s);
        }
    }

    private static byte[] Digest(GmpInteger k, GmpInteger g)
    {
        using var t = new Transcript("conclave/cggmp21/presign/echo/v1");
        t.Append("K", k);
        t.Append("G", g);
        var d = new byte[32];
        t.ChallengeBytes("digest", d);
        return d;
    }

    /// <summary>The proof context (sid, prover, signer set), as the spec's (sid, i).</summary>
    internal static byte[] ProofContext(SessionId session, ParticipantId prover, IReadOnlyList<ParticipantId> signers)
    {
        using var t = new Transcript("conclave/cggmp21/presign/context/v1");
        t.Append("sid", session.Bytes);
        t.Append("prover", prover.Value);
        foreach (var s in signers)
        {
            t.Append("signer", s.Value);
        }

        var c = new byte[32];
        t.ChallengeBytes("context", c);
        return c;
    }

    private byte[] Context(ParticipantId prover) => ProofContext(Session, prover, _signers);

    private Dictionary<ParticipantId, T> Collect<T>(IReadOnlyCollection<T> messages, int round)
        where T : IProtocolMessage => Rounds.Collect(messages, Session, Self, _signers, round);

    private void Advance(int expected)
    {
        if (_stage != expected)
        {
            throw new InvalidOperationException($"Presigning is at step {_stage}; this call needs step {expected}.");
        }

        _stage++;
    }
}
