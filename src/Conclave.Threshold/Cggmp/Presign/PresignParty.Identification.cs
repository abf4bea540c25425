using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Threshold.Cggmp.Internal;

namespace Conclave.Threshold.Cggmp.Presign;

/// <summary>
/// The identification round of presigning (CGGMP21, ePrint 2021/060, Fig. 7, "Output" 2, as
/// docs/protocols/cggmp21.md plans it), entered only when δ·G ≠ ΣΔ_j although every proof verified.
/// Every signer i reveals H_i = K_i^γ_i·ρ^N with Π^mul (Fig. 29) and the γ-MtA pairs it sent and
/// received; U_i = H_i·Π_j D_{j→i}·Π_j F_{i→j}⁻¹ then encrypts the integer δ_i, and Π^dec (Fig. 30),
/// one per verifier, proves that it decrypts to the δ_i announced in round 3 (mod q). Each MtA pair
/// a signer sent is re-proved (Π^aff-g, Fig. 15) to every verifier other than its receiver.
/// </summary>
public sealed partial class PresignParty
{
    /// <summary>
    /// This signer's identification messages (one per other signer). Allowed once, after
    /// <see cref="TryFinish"/> reached the output checks, whatever their result: a signer whose own
    /// check passed still answers when another signer's failed.
    /// </summary>
    public IReadOnlyList<PresignIdentificationMessage> IdentificationRound()
    {
        if (!_outputChecked || _stage != 4)
        {
            throw new InvalidOperationException("The identification round follows TryFinish's output checks and runs once.");
        }

        _stage++;
        var own = OwnKey.PublicKey;

        // H_i = K_i^γ_i · ρ_H^N (the paper's H_i = enc(γ_i·k_i)), with Π^mul for (X = G_i, Y = K_i, C = H_i).
        using var rhoH = own.RandomUnit(_random);
        using var zero = GmpInteger.FromUInt64(0);
        using var kGamma = own.Multiply(_bigK, _gamma);
        using var noise = OwnKey.EncryptCrt(zero, rhoH);
        using var h = own.Add(kGamma, noise);
        using var mul = PaillierMultiplicationProof.Prove(Context(Self), OwnKey, _bigG, _bigK, h, _gamma, _nu, rhoH, _random);
        var hBytes = h.ToBytes();
        var mulBytes = mul.Serialize();

        List<PresignMtaClaim> sent = [.. Others.Select(j => new PresignMtaClaim(j, _sentMta[j].D, _sentMta[j].F))];
        List<PresignMtaClaim> received = [.. Others.Select(j => new PresignMtaClaim(j, _receivedMta[j].D, _receivedMta[j].F))];

        // U_i decrypts to the integer δ_i = γ_i·k_i + Σ_j α_ij + Σ_j β_ij (no wrap-around: every term is
        // bounded by the ranges Π^enc and Π^aff-g enforce); its randomness comes from the secret key.
        using var u = IdentificationCiphertext(own, h, received.Select(c => c.D), sent.Select(c => c.F))
            ?? throw new InternalInvariantException("This signer's own MtA ciphertexts are not valid.");
        using var y = OwnKey.Decrypt(u);
        using var rhoU = OwnKey.RecoverRandomness(u);
        using var x = GmpInteger.Mod(y, _q);
        if (x.CompareTo(_delta!) != 0)
        {
            throw new InternalInvariantException("U_i does not decrypt to this signer's δ_i.");
        }

        var result = new List<PresignIdentificationMessage>();
        foreach (var j in Others)
        {
            var verifier = _aux.Parties[j].RingPedersen;
            using var dec = PaillierDecryptionModuloQProof.Prove(Context(Self), OwnKey, u, x, y, rhoU, verifier, _random);

            // The paper's re-proof of every MtA pair (D_{i→l}, F_{i→l}) to each verifier j ∉ {i, l}.
            var affine = new List<byte[]>();
            foreach (var l in Others.Where(l => l != j))
            {
                using var d = GmpInteger.FromBytes(_sentMta[l].D);
                using var f = GmpInteger.FromBytes(_sentMta[l].F);
                using var proof = PaillierAffineOperationProof.Prove(Context(Self), _aux.Parties[l].Paillier, own, _round1[l].K, d, f, _gammas[Self], _mtaWitnesses[l], verifier, _random);
                affine.Add(proof.Serialize());
            }

            result.Add(new PresignIdentificationMessage(Session, Self, j, hBytes, mulBytes, sent, received, affine, dec.Serialize()));
        }

        return result;
    }

    /// <summary>
    /// Verifies every other signer's identification message and throws
    /// <see cref="ProtocolAbortException"/> naming whoever fails, check by check: a malformed message
    /// (<see cref="AbortReason.MalformedMessage"/>); sender and receiver of an MtA pair reporting
    /// different ciphertexts (<see cref="AbortReason.Equivocation"/>: without signed messages both
    /// are named, except that a signer never names itself); Π^aff-g re-proofs of the MtA pairs a
    /// signer sent to third parties (<see cref="AbortReason.InvalidAffineOperationProof"/>); Π^mul
    /// (<see cref="AbortReason.InvalidMultiplicationProof"/>); Π^dec against the δ_j this signer
    /// received in round 3 (<see cref="AbortReason.InvalidDecryptionProof"/>). If everyone passes,
    /// Σδ_j ≡ k·γ (mod q), which contradicts a failed δ·G = ΣΔ_j check (so this happens only when
    /// this signer's own check passed, e.g. a signer sent different δ_j to different signers): the
    /// abort is then <see cref="AbortReason.InconsistentPresignature"/> naming no one. Always throws.
    /// </summary>
    public void Identify(IReadOnlyCollection<PresignIdentificationMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (_stage != 5)
        {
            throw new InvalidOperationException("Identify follows this signer's own IdentificationRound.");
        }

        _stage++;
        var received = Collect([.. messages.Where(m => m.Recipient == Self)], 4);
        var parsed = new Dictionary<ParticipantId, ParsedIdentification>();
        try
        {
            // Shape and ciphertext validity: D_{a→b} is under N_b, F_{a→b} under N_a, H_i under N_i.
            var malformed = new List<ParticipantId>();
            foreach (var (i, m) in received.OrderBy(kv => kv.Key))
            {
                var p = ParsedIdentification.TryParse(m, _signers, j => _aux.Parties[j].Paillier);
                if (p is null)
                {
                    malformed.Add(i);
                    continue;
                }

                parsed[i] = p;
            }

            Rounds.Abort(AbortReason.MalformedMessage, malformed, "an identification message is malformed or holds an invalid ciphertext");

            // Each MtA pair (a→b) is reported by its sender a and its receiver b; this signer's own
            // reports are what it actually sent and received.
            var disagree = MtaDisagreements(parsed, _sentMta, _receivedMta);

            Rounds.Abort(AbortReason.Equivocation, [.. disagree], "the sender and the receiver of an MtA pair report different ciphertexts (both are named: the messages are not signed)");

            // Π^aff-g (Fig. 15) again, under this signer's parameters, for every pair (i→l) with l ≠ this
            // signer: D_{i→l} = K_l^γ_i·Enc_l(y), F_{i→l} = Enc_i(y), Γ_i = γ_i·G, all in range. This is
            // what catches a sender and a receiver that cheat together (the receiver never complained).
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
                    ok = PaillierAffineOperationProof.TryDeserialize(proofs![k], out var aff)
                        && Verified(aff, a => a.Verify(Context(i), _aux.Parties[l].Paillier, _aux.Parties[i].Paillier, _round1[l].K, p.Sent[l].D, p.Sent[l].F, _gammas[i], mine, OwnKey));
                }

                if (!ok)
                {
                    badAffine.Add(i);
                }
            }

            Rounds.Abort(AbortReason.InvalidAffineOperationProof, badAffine, "Π^aff-g: an MtA pair re-proved in the identification round is malformed or out of range");

            // Π^mul: H_i encrypts k_i·γ_i for the K_i and G_i of round one (Fig. 29).
            var badMul = new List<ParticipantId>();
            foreach (var (i, p) in parsed.OrderBy(kv => kv.Key))
            {
                var pk = _aux.Parties[i].Paillier;
                if (!(PaillierMultiplicationProof.TryDeserialize(received[i].MulProof, out var mul) && Verified(mul, q => q.Verify(Context(i), pk, _round1[i].G, _round1[i].K, p.H))))
                {
                    badMul.Add(i);
                }
            }

            Rounds.Abort(AbortReason.InvalidMultiplicationProof, badMul, "Π^mul: H_j is not an encryption of k_j·γ_j");

            // Π^dec: U_i decrypts to the δ_i this signer received in round 3 (Fig. 30), under this signer's parameters.
            var badDec = new List<ParticipantId>();
            foreach (var (i, p) in parsed.OrderBy(kv => kv.Key))
            {
                var pk = _aux.Parties[i].Paillier;
                using var u = IdentificationCiphertext(pk, p.H, OthersOf(i).Select(j => p.Received[j].D), OthersOf(i).Select(j => p.Sent[j].F));
                using var deltaI = GmpInteger.FromBytes(_deltas[i]);
                if (u is null || !(PaillierDecryptionModuloQProof.TryDeserialize(received[i].DecProof, out var dec) && Verified(dec, d => d.Verify(Context(i), pk, u, deltaI, mine, OwnKey))))
                {
                    badDec.Add(i);
                }
            }

            Rounds.Abort(AbortReason.InvalidDecryptionProof, badDec, "Π^dec: U_j does not decrypt to the δ_j announced in round 3");
        }
        finally
        {
            foreach (var p in parsed.Values)
            {
                p.Dispose();
            }
        }

        throw new ProtocolAbortException(AbortReason.InconsistentPresignature, [], "δ·G differs from ΣΔ_j and the identification round named no one");
    }

    private static bool Same((GmpInteger D, GmpInteger F) claim, (byte[] D, byte[] F) own)
    {
        using var d = GmpInteger.FromBytes(own.D);
        using var f = GmpInteger.FromBytes(own.F);
        return claim.D.CompareTo(d) == 0 && claim.F.CompareTo(f) == 0;
    }

    /// <summary>U = H · Π D_received · Π F_sent⁻¹ (mod N²), or null if some F has no inverse.</summary>
    private static GmpInteger? IdentificationCiphertext(PaillierPublicKey key, GmpInteger h, IEnumerable<GmpInteger> received, IEnumerable<GmpInteger> sent)
    {
        var u = h.Clone();
        foreach (var d in received)
        {
            var next = key.Add(u, d);
            u.Dispose();
            u = next;
        }

        foreach (var f in sent)
        {
            using var inverse = GmpInteger.Invert(f, key.NSquared);
            if (inverse is null)
            {
                u.Dispose();
                return null;
            }

            var next = key.Add(u, inverse);
            u.Dispose();
            u = next;
        }

        return u;
    }

    private static GmpInteger? IdentificationCiphertext(PaillierPublicKey key, GmpInteger h, IEnumerable<byte[]> received, IEnumerable<byte[]> sent)
    {
        var d = received.Select(b => GmpInteger.FromBytes(b)).ToList();
        var f = sent.Select(b => GmpInteger.FromBytes(b)).ToList();
        try
        {
            return IdentificationCiphertext(key, h, d, f);
        }
        finally
        {
            d.ForEach(x => x.Dispose());
            f.ForEach(x => x.Dispose());
        }
    }

    private IEnumerable<ParticipantId> OthersOf(ParticipantId i) => _signers.Where(j => j != i);

    /// <summary>A signer's identification message with every ciphertext parsed and checked for validity.</summary>
    private sealed class ParsedIdentification : IDisposable
    {
        private ParsedIdentification(GmpInteger h)
        {
            H = h;
        }

        public GmpInteger H { get; }

        public Dictionary<ParticipantId, (GmpInteger D, GmpInteger F)> Sent { get; } = [];

        public Dictionary<ParticipantId, (GmpInteger D, GmpInteger F)> Received { get; } = [];

        /// <summary>Null unless both claim lists name every other signer once, in order, with valid ciphertexts.</summary>
        public static ParsedIdentification? TryParse(PresignIdentificationMessage m, IReadOnlyList<ParticipantId> signers, Func<ParticipantId, PaillierPublicKey> key) =>
            TryParse(m.Sender, m.H, m.Sent, m.Received, signers, key);

        /// <summary>The same for the χ identification round: Ĥ and the χ-MtA pairs (D̂, F̂).</summary>
        public static ParsedIdentification? TryParse(ParticipantId sender, byte[]? h, IReadOnlyList<PresignMtaClaim>? sent, IReadOnlyList<PresignMtaClaim>? received, IReadOnlyList<ParticipantId> signers, Func<ParticipantId, PaillierPublicKey> key)
        {
            var others = signers.Where(j => j != sender).ToList();
            if (h is null || sent is null || received is null || sent.Count != others.Count || received.Count != others.Count)
            {
                return null;
            }

            var own = key(sender);
            var result = new ParsedIdentification(GmpInteger.FromBytes(h));
            var ok = own.IsValidCiphertext(result.H);
            for (var k = 0; ok && k < others.Count; k++)
            {
                var j = others[k];
                var (s, r) = (sent[k], received[k]);
                if (s is null || r is null || s.Peer != j || r.Peer != j || s.D is null || s.F is null || r.D is null || r.F is null)
                {
                    ok = false;
                    break;
                }

                result.Sent[j] = (GmpInteger.FromBytes(s.D), GmpInteger.FromBytes(s.F));
                result.Received[j] = (GmpInteger.FromBytes(r.D), GmpInteger.FromBytes(r.F));

                // D_{i→j} under N_j, F_{i→j} under N_i; D_{j→i} under N_i, F_{j→i} under N_j.
                var peer = key(j);
                ok = peer.IsValidCiphertext(result.Sent[j].D) && own.IsValidCiphertext(result.Sent[j].F)
                    && own.IsValidCiphertext(result.Received[j].D) && peer.IsValidCiphertext(result.Received[j].F);
            }

            if (!ok)
            {
                result.Dispose();
                return null;
            }

            return result;
        }

        public void Dispose()
        {
            H.Dispose();
            foreach (var (d, f) in Sent.Values.Concat(Received.Values))
            {
                d.Dispose();
                f.Dispose();
            }
        }
    }
}
