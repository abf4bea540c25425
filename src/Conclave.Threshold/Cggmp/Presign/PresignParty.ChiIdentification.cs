using System.Security.Cryptography;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Transcripts;
using Conclave.Threshold.Cggmp.Internal;

namespace Conclave.Threshold.Cggmp.Presign;

/// <summary>
/// The χ identification round of presigning, entered only when δ·G = ΣΔ_j but δ·X ≠ ΣS_j although
/// every proof verified (the Lockness spec's S_j check has no proof of its own). It applies the
/// paper's signing-time identification (CGGMP21, ePrint 2021/060, Fig. 8, "Output" 2) to the aborted
/// presignature: every signer i publishes σ_i = k_i·m + r·χ_i for a public message m and
/// r = x(R) mod q, which every verifier checks against σ_i·Γ = m·Δ_i + r·S_i (a wrong S_i fails here),
/// and proves that σ_i is what its ciphertexts decrypt to: Ĥ_i = K_i^{x_i}·ρ^N with Π^mul* (the
/// paper's "multiplication Paillier vs group"; X_i = x_i·G), the χ-MtA pairs (D̂, F̂) with Π^aff-g
/// re-proofs to third parties (Fig. 15), and Π^dec (Fig. 30) that K_i^m·Û_i^r, with
/// Û_i = Ĥ_i·Π_j D̂_{j→i}·Π_j F̂_{i→j}⁻¹ (an encryption of the integer χ_i), decrypts to σ_i mod q.
/// </summary>
/// <remarks>
/// σ_i is one partial signature of the presignature, and the presignature is discarded. Every
/// signer must use the same m, and a signer that already published a partial signature with this
/// presignature must use that partial signature's message: two σ_i for different messages reveal
/// k_i and χ_i. The fresh signing path uses the request's digest; a presignature that signed nothing
/// uses <see cref="ChiIdentificationMessageHash"/>, derived from the session's public values.
/// </remarks>
public sealed partial class PresignParty
{
    private byte[]? _chiMessage;
    private byte[]? _chiR;

    /// <summary>
    /// The public message digest of the χ identification round for a presignature that signed nothing:
    /// H("conclave/cggmp21/presign/chi-identification/message/v1"; sid, signers, Γ, δ, R, Δ_j for every
    /// signer in order). Every signer that reaches the round has the same values: δ·G = ΣΔ_j held, Γ
    /// is echoed and each Δ_j is bound to the echoed K_j and Γ by Π^log*. S_j are left out (they may
    /// differ between views).
    /// </summary>
    public byte[] ChiIdentificationMessageHash()
    {
        var (r, commitments) = ChiState();
        using var t = new Transcript("conclave/cggmp21/presign/chi-identification/message/v1");
        t.Append("sid", Session.Bytes);
        foreach (var s in _signers)
        {
            t.Append("signer", s.Value);
        }

        t.Append("Gamma", _bigGamma!);
        t.Append("delta", _deltaScalar!);
        t.Append("R", r);
        foreach (var s in _signers)
        {
            t.Append("Delta", commitments[s].Delta);
        }

        var hash = new byte[32];
        t.ChallengeBytes("message", hash);
        return hash;
    }

    /// <summary>The χ identification round for a presignature that signed nothing, with m from <see cref="ChiIdentificationMessageHash"/>.</summary>
    public IReadOnlyList<PresignChiIdentificationMessage> ChiIdentificationRound() => ChiIdentificationRound(ChiIdentificationMessageHash());

    /// <summary>
    /// This signer's χ identification messages (one per other signer) for the 32-byte digest
    /// <paramref name="messageHash"/> (see the type's remarks for which digest). Allowed once, after
    /// <see cref="TryFinish"/> reached the output checks with δ·G = ΣΔ_j, whatever the S_j check's
    /// result: a signer whose own check passed still answers; its presignature must be discarded.
    /// </summary>
    public IReadOnlyList<PresignChiIdentificationMessage> ChiIdentificationRound(ReadOnlySpan<byte> messageHash)
    {
        if (messageHash.Length != 32)
        {
            throw new ArgumentException("The message hash is 32 bytes.", nameof(messageHash));
        }

        _ = ChiState();
        if (_stage != 4)
        {
            throw new InvalidOperationException("The χ identification round follows TryFinish's output checks and runs once.");
        }

        _stage = 7;
        var m = new byte[32];
        _g.ScalarReduce(messageHash, m);
        _chiMessage = m;
        var r = ChiR();
        var own = OwnKey.PublicKey;

        // σ_i = k_i·m + r·χ_i (mod q), as CggmpSigning.PartialSign computes it.
        var sigma = new byte[32];
        Span<byte> k = stackalloc byte[32];
        Span<byte> chi = stackalloc byte[32];
        Span<byte> t = stackalloc byte[32];
        try
        {
            _k.WriteBytes(k);
            _chi!.WriteBytes(chi);
            _g.ScalarMultiply(k, m, sigma);
            _g.ScalarMultiply(r, chi, t);
            _g.ScalarAdd(sigma, t, sigma);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(k);
            CryptographicOperations.ZeroMemory(chi);
            CryptographicOperations.ZeroMemory(t);
        }

        // Ĥ_i = K_i^{x_i} · ρ̂^N (the paper's Ĥ_i = enc(k_i·x_i)), with Π^mul* for (K_i, Ĥ_i, X_i).
        using var rhoH = own.RandomUnit(_random);
        using var zero = GmpInteger.FromUInt64(0);
        using var kx = own.Multiply(_bigK, _x);
        using var noise = OwnKey.EncryptCrt(zero, rhoH);
        using var hHat = own.Add(kx, noise);

        List<PresignMtaClaim> sent = [.. Others.Select(j => new PresignMtaClaim(j, _sentMtaHat[j].D, _sentMtaHat[j].F))];
        List<PresignMtaClaim> received = [.. Others.Select(j => new PresignMtaClaim(j, _receivedMtaHat[j].D, _receivedMtaHat[j].F))];

        // Û_i encrypts the integer χ_i (no wrap-around, as for U_i in the δ round); V_i = K_i^m · Û_i^r
        // encrypts k_i·m + r·χ_i, whose randomness comes from the secret key.
        using var uHat = IdentificationCiphertext(own, hHat, received.Select(c => c.D), sent.Select(c => c.F))
            ?? throw new InternalInvariantException("This signer's own χ-MtA ciphertexts are not valid.");
        using var v = SigningCiphertext(own, _bigK, uHat, m, r);
        using var y = OwnKey.Decrypt(v);
        using var rhoV = OwnKey.RecoverRandomness(v);
        using var x = GmpInteger.Mod(y, _q);
        using (var expected = GmpInteger.FromBytes(sigma))
        {
            if (x.CompareTo(expected) != 0)
            {
                throw new InternalInvariantException("K_i^m·Û_i^r does not decrypt to this signer's σ_i.");
            }
        }

        var hBytes = hHat.ToBytes();
        var result = new List<PresignChiIdentificationMessage>();
        foreach (var j in Others)
        {
            var verifier = _aux.Parties[j].RingPedersen;
            using var mulStar = PaillierMultiplicationVsGroupProof.Prove(Context(Self), own, _bigK, hHat, _publicShares[Self], _x, rhoH, verifier, _random, OwnKey);
            using var dec = PaillierDecryptionModuloQProof.Prove(Context(Self), OwnKey, v, x, y, rhoV, verifier, _random);

            // The re-proof of every χ-MtA pair (D̂_{i→l}, F̂_{i→l}) to each verifier j ∉ {i, l}.
            var affine = new List<byte[]>();
            foreach (var l in Others.Where(l => l != j))
            {
                using var d = GmpInteger.FromBytes(_sentMtaHat[l].D);
                using var f = GmpInteger.FromBytes(_sentMtaHat[l].F);
                using var proof = PaillierAffineOperationProof.Prove(Context(Self), _aux.Parties[l].Paillier, own, _round1[l].K, d, f, _publicShares[Self], _mtaWitnessesHat[l], verifier, _random);
                affine.Add(proof.Serialize());
            }

            result.Add(new PresignChiIdentificationMessage(Session, Self, j, sigma, hBytes, sent, received, affine, mulStar.Serialize(), dec.Serialize()));
        }

        return result;
    }

    /// <summary>
    /// Verifies every other signer's χ identification message and throws
    /// <see cref="ProtocolAbortException"/> naming whoever fails, check by check: a malformed message
    /// (<see cref="AbortReason.MalformedMessage"/>); σ_j·Γ ≠ m·Δ_j + r·S_j, i.e. S_j does not match the
    /// signer's σ_j (<see cref="AbortReason.InvalidPartialSignature"/>); sender and receiver of a χ-MtA
    /// pair reporting different ciphertexts (<see cref="AbortReason.Equivocation"/>, as in
    /// <see cref="Identify"/>); Π^aff-g re-proofs (<see cref="AbortReason.InvalidAffineOperationProof"/>);
    /// Π^mul* (<see cref="AbortReason.InvalidMultiplicationProof"/>); Π^dec against σ_j
    /// (<see cref="AbortReason.InvalidDecryptionProof"/>). If everyone passes, every S_j = χ_j·Γ with
    /// Σχ_j ≡ k·x (mod q), so δ·X = ΣS_j, which contradicts a failed check (possible only in the view
    /// of a signer whose own check passed): the abort is then
    /// <see cref="AbortReason.InconsistentPresignature"/> naming no one. Always throws.
    /// </summary>
    public void IdentifyChi(IReadOnlyCollection<PresignChiIdentificationMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (_stage != 7)
        {
            throw new InvalidOperationException("IdentifyChi follows this signer's own ChiIdentificationRound.");
        }

        _stage++;
        var received = Collect([.. messages.Where(m => m.Recipient == Self)], 4);
        var (_, commitments) = ChiState();
        var m = _chiMessage!;
        var r = ChiR();
        var parsed = new Dictionary<ParticipantId, ParsedIdentification>();
        try
        {
            // Shape and validity: σ_j a canonical scalar; Ĥ_j under N_j; D̂_{a→b} under N_b, F̂_{a→b} under N_a.
            var malformed = new List<ParticipantId>();
            foreach (var (i, msg) in received.OrderBy(kv => kv.Key))
            {
                var p = msg.Sigma is { Length: 32 } && _g.IsCanonicalScalar(msg.Sigma)
                    ? ParsedIdentification.TryParse(i, msg.HHat, msg.Sent, msg.Received, _signers, j => _aux.Parties[j].Paillier)
                    : null;
                if (p is null)
                {
                    malformed.Add(i);
                    continue;
                }

                parsed[i] = p;
            }

            Rounds.Abort(AbortReason.MalformedMessage, malformed, "a χ identification message is malformed or holds an invalid ciphertext");

            // σ_j·Γ = m·Δ_j + r·S_j (Lockness spec, partial-signature check): an honest σ_j passes
            // whenever S_j = χ_j·Γ, so this names a signer whose S_j does not match its own χ_j.
            var badSigma = new List<ParticipantId>();
            foreach (var (i, msg) in received.OrderBy(kv => kv.Key))
            {
                var c = commitments[i];
                if (!_g.MultiplyPublic(_bigGamma!, msg.Sigma).Equals(_g.Add(_g.MultiplyPublic(c.Delta, m), _g.MultiplyPublic(c.S, r))))
                {
                    badSigma.Add(i);
                }
            }

            Rounds.Abort(AbortReason.InvalidPartialSignature, badSigma, "σ_j·Γ differs from m·Δ_j + r·S_j: S_j does not match the signer's χ_j");

            var disagree = MtaDisagreements(parsed, _sentMtaHat, _receivedMtaHat);
            Rounds.Abort(AbortReason.Equivocation, [.. disagree], "the sender and the receiver of a χ-MtA pair report different ciphertexts (both are named: the messages are not signed)");

            // Π^aff-g (Fig. 15) for every χ-MtA pair (i→l), l ≠ this signer: D̂_{i→l} = K_l^{x_i}·Enc_l(y),
            // F̂_{i→l} = Enc_i(y), X_i = x_i·G, all in range.
            var mine = _aux.Parties[Self].RingPedersen;
            var badAffine = new List<ParticipantId>();
            foreach (var (i, p) in parsed.OrderBy(kv => kv.Key))
            {
                var third = OthersOf(i).Where(l => l != Self).ToList();
                var proofs = received[i].AffineProofs;
                var ok = proofs is not null && proofs.Count == third.Count;
                for (var k = 0; ok && k < third.Count; k++)
                {
                    var l = third[k];
                    ok = proofs![k] is not null && PaillierAffineOperationProof.TryDeserialize(proofs[k], out var aff)
                        && Verified(aff, a => a.Verify(Context(i), _aux.Parties[l].Paillier, _aux.Parties[i].Paillier, _round1[l].K, p.Sent[l].D, p.Sent[l].F, _publicShares[i], mine, OwnKey));
                }

                if (!ok)
                {
                    badAffine.Add(i);
                }
            }

            Rounds.Abort(AbortReason.InvalidAffineOperationProof, badAffine, "Π^aff-g: a χ-MtA pair re-proved in the χ identification round is malformed or out of range");

            // Π^mul*: Ĥ_i = K_i^{x_i}·ρ^N for the K_i of round one and X_i = x_i·G.
            var badMul = new List<ParticipantId>();
            foreach (var (i, p) in parsed.OrderBy(kv => kv.Key))
            {
                var pk = _aux.Parties[i].Paillier;
                if (!(received[i].MulStarProof is not null && PaillierMultiplicationVsGroupProof.TryDeserialize(received[i].MulStarProof, out var mul)
                    && Verified(mul, q => q.Verify(Context(i), pk, _round1[i].K, p.H, _publicShares[i], mine, OwnKey))))
                {
                    badMul.Add(i);
                }
            }

            Rounds.Abort(AbortReason.InvalidMultiplicationProof, badMul, "Π^mul*: Ĥ_j is not an encryption of k_j·x_j");

            // Π^dec (Fig. 30): K_i^m · Û_i^r decrypts to σ_i (mod q), under this signer's parameters.
            var badDec = new List<ParticipantId>();
            foreach (var (i, p) in parsed.OrderBy(kv => kv.Key))
            {
                var pk = _aux.Parties[i].Paillier;
                using var uHat = IdentificationCiphertext(pk, p.H, OthersOf(i).Select(j => p.Received[j].D), OthersOf(i).Select(j => p.Sent[j].F));
                using var v = uHat is null ? null : SigningCiphertext(pk, _round1[i].K, uHat, m, r);
                using var sigma = GmpInteger.FromBytes(received[i].Sigma);
                if (v is null || received[i].DecProof is null
                    || !(PaillierDecryptionModuloQProof.TryDeserialize(received[i].DecProof, out var dec) && Verified(dec, d => d.Verify(Context(i), pk, v, sigma, mine, OwnKey))))
                {
                    badDec.Add(i);
                }
            }

            Rounds.Abort(AbortReason.InvalidDecryptionProof, badDec, "Π^dec: K_j^m·Û_j^r does not decrypt to σ_j");
        }
        finally
        {
            foreach (var p in parsed.Values)
            {
                p.Dispose();
            }
        }

        throw new ProtocolAbortException(AbortReason.InconsistentPresignature, [], "δ·X differs from ΣS_j and the χ identification round named no one");
    }

    /// <summary>R and the commitments, or <see cref="InvalidOperationException"/> when the χ round does not apply.</summary>
    private (Element R, Dictionary<ParticipantId, PresignatureCommitment> Commitments) ChiState()
    {
        if (!_outputChecked || _bigR is null || _commitments is null || FailedCheck == PresignOutputCheck.Delta)
        {
            throw new InvalidOperationException("The χ identification round follows TryFinish's output checks and needs δ·G = ΣΔ_j (otherwise run IdentificationRound).");
        }

        return (_bigR, _commitments);
    }

    /// <summary>r = x(R) mod q; zero (probability about 2^-256) leaves no partial signature to check.</summary>
    private byte[] ChiR()
    {
        if (_chiR is null)
        {
            var r = new byte[32];
            _g.ScalarReduce(Secp256k1Group.XOnly(_bigR!), r);
            if (PrimeOrderGroup.IsZero(r))
            {
                throw new ProtocolAbortException(AbortReason.InconsistentPresignature, [], "x(R) ≡ 0 mod q: no partial signature can be checked");
            }

            _chiR = r;
        }

        return _chiR;
    }

    /// <summary>K^m · Û^r (mod N²) for public scalars m and r: an encryption of k·m + r·χ.</summary>
    private static GmpInteger SigningCiphertext(PaillierPublicKey key, GmpInteger k, GmpInteger uHat, byte[] m, byte[] r)
    {
        using var mi = GmpInteger.FromBytes(m);
        using var ri = GmpInteger.FromBytes(r);
        using var km = GmpInteger.PowModPublic(k, mi, key.NSquared);
        using var ur = GmpInteger.PowModPublic(uHat, ri, key.NSquared);
        return key.Add(km, ur);
    }

    /// <summary>
    /// The parties that disagree about an MtA pair (a→b) reported by its sender a and its receiver b;
    /// this signer's own reports are what it actually sent and received, and it never names itself.
    /// </summary>
    private SortedSet<ParticipantId> MtaDisagreements(Dictionary<ParticipantId, ParsedIdentification> parsed, Dictionary<ParticipantId, (byte[] D, byte[] F)> ownSent, Dictionary<ParticipantId, (byte[] D, byte[] F)> ownReceived)
    {
        var disagree = new SortedSet<ParticipantId>();
        foreach (var a in _signers)
        {
            foreach (var b in _signers.Where(b => b != a))
            {
                var same = a == Self ? Same(parsed[b].Received[a], ownSent[b])
                    : b == Self ? Same(parsed[a].Sent[b], ownReceived[a])
                    : parsed[a].Sent[b].D.CompareTo(parsed[b].Received[a].D) == 0 && parsed[a].Sent[b].F.CompareTo(parsed[b].Received[a].F) == 0;
                if (!same)
                {
                    disagree.UnionWith(new[] { a, b }.Where(p => p != Self));
                }
            }
        }

        return disagree;
    }
}
