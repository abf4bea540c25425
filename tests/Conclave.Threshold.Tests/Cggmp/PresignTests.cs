using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Signatures;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>
/// CGGMP21 presigning and signing end to end (keygen → aux info → presign → sign), with every
/// signature verified by libsecp256k1 and independently by .NET's ECDsa (OpenSSL), and one
/// malicious-party test per presigning proof.
/// </summary>
public sealed partial class PresignTests : IClassFixture<PresignTests.Setup>
{
    private readonly Setup _setup;

    public PresignTests(Setup setup)
    {
        _setup = setup;
    }

    [Fact]
    public void Any_two_of_three_sign_and_the_signature_verifies_independently()
    {
        foreach (var signers in new[] { new[] { 1, 2 }, [1, 3], [2, 3], [1, 2, 3] })
        {
            var hash = RandomNumberGenerator.GetBytes(32);
            var (signature, publicKey) = Sign(signers, hash);
            Assert.True(EcdsaSecp256k1.VerifyCompact(publicKey, hash, signature.ToCompact()));
            Assert.True(VerifyWithDotNet(publicKey, hash, signature.ToCompact()));

            // The recovery id recovers the public key (ecrecover); the other parity does not.
            Assert.InRange(signature.RecoveryId, 0, 1);
            Assert.Equal(publicKey, EcdsaSecp256k1.Recover(hash, signature.ToCompact(), signature.RecoveryId));
            Assert.NotEqual(publicKey, EcdsaSecp256k1.Recover(hash, signature.ToCompact(), signature.RecoveryId ^ 1));

            // Low s, and a different hash does not verify.
            Assert.True(signature.S.AsSpan().SequenceCompareTo(Convert.FromHexString("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0")) <= 0);
            hash[0] ^= 1;
            Assert.False(VerifyWithDotNet(publicKey, hash, signature.ToCompact()));
        }
    }

    [Fact]
    public void A_presignature_signs_only_once()
    {
        var presignatures = Presign([1, 2]);
        var hash = RandomNumberGenerator.GetBytes(32);
        CggmpSigning.PartialSign(presignatures[0], hash);
        Assert.True(presignatures[0].IsConsumed);
        Assert.Throws<InvalidOperationException>(() => CggmpSigning.PartialSign(presignatures[0], hash));
        presignatures.ForEach(p => p.Dispose());
    }

    [Theory]
    [InlineData(new[] { 1, 3 }, 3)]
    [InlineData(new[] { 1, 2, 3 }, 2)]
    [InlineData(new[] { 1, 2, 3 }, 1)]
    public void A_wrong_partial_signature_names_exactly_its_signer(int[] signers, int cheater)
    {
        var presignatures = Presign(signers);
        var hash = RandomNumberGenerator.GetBytes(32);
        var partials = presignatures.Select(p => CggmpSigning.PartialSign(p, hash)).ToList();
        var index = partials.FindIndex(p => p.Signer == Id(cheater));
        var one = new byte[32];
        one[31] = 1;
        var bumped = new byte[32];
        Secp256k1Group.Instance.ScalarAdd(partials[index].Sigma, one, bumped);
        partials[index] = partials[index] with { Sigma = bumped };

        // Every signer's view of the public data names the same culprit.
        foreach (var presignature in presignatures)
        {
            var abort = Assert.Throws<ProtocolAbortException>(() => CggmpSigning.Combine(presignature.PublicData, partials, hash));
            Assert.Equal(AbortReason.InvalidPartialSignature, abort.Reason);
            Assert.Equal([Id(cheater)], abort.Culprits);
        }
    }

    [Fact]
    public void Partial_signatures_over_another_digest_name_their_signer()
    {
        var presignatures = Presign([2, 3]);
        var hash = RandomNumberGenerator.GetBytes(32);
        var other = RandomNumberGenerator.GetBytes(32);
        List<PartialSignature> partials = [CggmpSigning.PartialSign(presignatures[0], hash), CggmpSigning.PartialSign(presignatures[1], other)];
        var abort = Assert.Throws<ProtocolAbortException>(() => CggmpSigning.Combine(presignatures[0].PublicData, partials, hash));
        Assert.Equal([Id(3)], abort.Culprits);
    }

    [Fact]
    public void A_malformed_or_missing_partial_signature_is_rejected()
    {
        var presignatures = Presign([1, 2]);
        var hash = RandomNumberGenerator.GetBytes(32);
        var partials = presignatures.Select(p => CggmpSigning.PartialSign(p, hash)).ToList();
        var data = presignatures[0].PublicData;
        Assert.Throws<ArgumentException>(() => CggmpSigning.Combine(data, [partials[0]], hash));
        Assert.Throws<ArgumentException>(() => CggmpSigning.Combine(data, [partials[0], partials[0]], hash));
        var overflow = Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141"); // = n
        var abort = Assert.Throws<ProtocolAbortException>(() => CggmpSigning.Combine(data, [partials[0], partials[1] with { Sigma = overflow }], hash));
        Assert.Equal(AbortReason.MalformedMessage, abort.Reason);
        Assert.Equal([Id(2)], abort.Culprits);
        Assert.Throws<ArgumentException>(() => CggmpSigning.Combine(data, partials, hash.AsSpan(1)));
    }

    [Fact]
    public void A_wrong_s_commitment_is_named_and_a_garbled_one_names_its_sender()
    {
        // S_j is not covered by a proof: a wrong (but valid) point fails the δ·X = ΣS_j check, and
        // the χ identification round names its sender (PresignTests.ChiIdentification.cs).
        var wrong = Assert.Throws<ProtocolAbortException>(() => Presign([1, 2], tamper3: m =>
            m.Sender.Value == 2 ? m with { S = Secp256k1Group.Instance.SerializeElement(Secp256k1Group.Instance.Generator) } : m));
        Assert.Equal(AbortReason.InvalidPartialSignature, wrong.Reason);
        Assert.Equal([Id(2)], wrong.Culprits);

        var garbled = Assert.Throws<ProtocolAbortException>(() => Presign([1, 2, 3], tamper3: m =>
            m.Sender.Value == 3 ? m with { S = [0x05, .. m.S[1..]] } : m));
        Assert.Equal(AbortReason.MalformedMessage, garbled.Reason);
        Assert.Equal([Id(3)], garbled.Culprits);
    }

    [Fact]
    public void A_forged_encryption_proof_names_its_prover()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Presign([1, 2, 3], tamper1: m =>
            m.Sender.Value == 2 && m.Recipient.Value == 1 ? m with { EncProof = Flip(m.EncProof) } : m));
        Assert.Equal(AbortReason.InvalidEncryptionProof, abort.Reason);
        Assert.Equal([Id(2)], abort.Culprits);
    }

    [Fact]
    public void A_k_outside_the_range_is_caught_by_the_encryption_proof_and_names_its_sender()
    {
        // Alpha-Rays class: signer 2 encrypts a k far above 2^(ℓ+ε) (which would let it learn bits of
        // the other signer's secrets through the MtA answers) and runs the honest prover algorithm on it.
        var session = SessionId.Random();
        List<ParticipantId> signers = [Id(1), Id(2)];
        var key = _setup.Aux[1].PaillierKey;
        using var one = Conclave.Crypto.BigNumbers.GmpInteger.FromUInt64(1);
        using var huge = Conclave.Crypto.BigNumbers.GmpInteger.ShiftLeft(one, Conclave.Crypto.Proofs.Cggmp21Parameters.Ell + Conclave.Crypto.Proofs.Cggmp21Parameters.Epsilon + 8);
        using var rho = key.PublicKey.RandomUnit(Conclave.Crypto.Random.SystemRandomSource.Instance);
        using var bigK = key.EncryptCrt(huge, rho);
        using var proof = Conclave.Crypto.Proofs.PaillierEncryptionInRangeProof.ProveCore(
            PresignParty.ProofContext(session, Id(2), signers), key.PublicKey, bigK, huge, rho, _setup.Aux[0].Parties[Id(1)].RingPedersen, null);
        var forgedK = bigK.ToBytes();
        var forgedProof = proof.Serialize();
        var abort = Assert.Throws<ProtocolAbortException>(() => Presign([1, 2], session: session, tamper1: m =>
            m.Sender.Value == 2 ? m with { K = forgedK, EncProof = forgedProof } : m));
        Assert.Equal(AbortReason.InvalidEncryptionProof, abort.Reason);
        Assert.Equal([Id(2)], abort.Culprits);
    }

    [Fact]
    public void Proof_contexts_that_a_plain_concatenation_would_confuse_differ_and_such_a_proof_names_its_prover()
    {
        // TSSHOCK class: with sid ‖ prover ‖ signers concatenated without lengths, (S ‖ 00 02, prover 1,
        // signers [2, 3]) and (S, prover 2, signers [1, 2, 3]) encode to the same bytes. Conclave's
        // length-prefixed, typed transcript keeps them apart.
        var s = RandomNumberGenerator.GetBytes(30);
        var longSession = new SessionId([.. s, 0x00, 0x02]);
        var shortSession = new SessionId(s);
        byte[] Naive(SessionId sid, int prover, int[] signers) =>
            [.. sid.Bytes, .. BitConverter.GetBytes((ushort)prover).Reverse(), .. signers.SelectMany(x => BitConverter.GetBytes((ushort)x).Reverse())];
        Assert.Equal(Naive(longSession, 1, [2, 3]), Naive(shortSession, 2, [1, 2, 3]));
        Assert.NotEqual(PresignParty.ProofContext(longSession, Id(1), [Id(2), Id(3)]), PresignParty.ProofContext(shortSession, Id(2), [Id(1), Id(2), Id(3)]));

        // Signer 2 proves its (fresh, in-range) K under a context of its own making: the proof is
        // valid for that context only, and the recipient, which derives the context itself, names signer 2.
        var session = SessionId.Random();
        var key = _setup.Aux[1].PaillierKey;
        using var k = Conclave.Crypto.BigNumbers.GmpInteger.FromUInt64(12345);
        using var rho = key.PublicKey.RandomUnit(Conclave.Crypto.Random.SystemRandomSource.Instance);
        using var bigK = key.EncryptCrt(k, rho);
        var ambiguous = System.Security.Cryptography.SHA256.HashData(Naive(session, 2, [1, 2]));
        using var proof = Conclave.Crypto.Proofs.PaillierEncryptionInRangeProof.Prove(ambiguous, key.PublicKey, bigK, k, rho, _setup.Aux[0].Parties[Id(1)].RingPedersen);
        Assert.True(proof.Verify(ambiguous, key.PublicKey, bigK, _setup.Aux[0].Parties[Id(1)].RingPedersen));
        var forgedK = bigK.ToBytes();
        var forgedProof = proof.Serialize();
        var abort = Assert.Throws<ProtocolAbortException>(() => Presign([1, 2], session: session, tamper1: m =>
            m.Sender.Value == 2 ? m with { K = forgedK, EncProof = forgedProof } : m));
        Assert.Equal(AbortReason.InvalidEncryptionProof, abort.Reason);
        Assert.Equal([Id(2)], abort.Culprits);
    }

    [Fact]
    public void A_forged_affine_operation_proof_names_its_prover()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Presign([1, 2], tamper2: m =>
            m.Sender.Value == 2 ? m with { AffineProofHat = Flip(m.AffineProofHat) } : m));
        Assert.Equal(AbortReason.InvalidAffineOperationProof, abort.Reason);
        Assert.Equal([Id(2)], abort.Culprits);
    }

    [Fact]
    public void A_tampered_mta_ciphertext_names_its_sender()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Presign([1, 3], tamper2: m =>
            m.Sender.Value == 3 ? m with { D = Flip(m.D, m.D.Length - 1) } : m));
        Assert.Equal(AbortReason.InvalidAffineOperationProof, abort.Reason);
        Assert.Equal([Id(3)], abort.Culprits);
    }

    [Fact]
    public void A_forged_log_star_proof_names_its_prover()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Presign([1, 2], tamper2: m =>
            m.Sender.Value == 1 ? m with { LogStarProof = Flip(m.LogStarProof) } : m));
        Assert.Equal(AbortReason.InvalidLogStarProof, abort.Reason);
        Assert.Equal([Id(1)], abort.Culprits);

        var late = Assert.Throws<ProtocolAbortException>(() => Presign([1, 2], tamper3: m =>
            m.Sender.Value == 2 ? m with { LogStarProof = Flip(m.LogStarProof) } : m));
        Assert.Equal(AbortReason.InvalidLogStarProof, late.Reason);
        Assert.Equal([Id(2)], late.Culprits);
    }

    [Fact]
    public void A_signer_sending_different_round_one_values_is_named_by_the_echo()
    {
        // Party 3 sends recipient 1 a valid (K', G', Π^enc) from a second run of itself: every proof
        // checks, but the echo in round 2 exposes the equivocation.
        var session = SessionId.Random();
        var shadow = new PresignParty(session, _setup.Shares[2], _setup.Aux[2], [Id(1), Id(2), Id(3)]);
        var forged = shadow.Round1().Single(m => m.Recipient.Value == 1);
        var abort = Assert.Throws<ProtocolAbortException>(() => Presign([1, 2, 3], session: session, tamper1: m =>
            m.Sender.Value == 3 && m.Recipient.Value == 1 ? forged : m));
        Assert.Equal(AbortReason.Equivocation, abort.Reason);
        Assert.Equal([Id(3)], abort.Culprits);
        shadow.Dispose();
    }

    internal (EcdsaSignature Signature, byte[] PublicKey) Sign(int[] signers, byte[] hash)
    {
        var presignatures = Presign(signers);
        var partials = presignatures.Select(p => CggmpSigning.PartialSign(p, hash)).ToList();
        var first = presignatures[0];
        Assert.All(presignatures, p => Assert.Equal(first.R, p.R));
        var signature = CggmpSigning.Combine(first.PublicData, partials, hash);
        return (signature, Secp256k1Group.Instance.SerializeElement(first.PublicKey));
    }

    internal List<Presignature> Presign(
        int[] signerIds,
        SessionId? session = null,
        Func<PresignRound1Message, PresignRound1Message>? tamper1 = null,
        Func<PresignRound2Message, PresignRound2Message>? tamper2 = null,
        Func<PresignRound3Message, PresignRound3Message>? tamper3 = null,
        Func<ParticipantId, Conclave.Crypto.Random.IRandomSource>? random = null,
        Func<PresignIdentificationMessage, PresignIdentificationMessage>? tamper4 = null) =>
        CggmpPresigning.Run(_setup.Shares, _setup.Aux, signerIds, session, random, tamper1, tamper2, tamper3, tamper4);

    private static bool VerifyWithDotNet(byte[] compressedPublicKey, byte[] hash, byte[] signature)
    {
        var point = Secp256k1Group.Instance.DeserializeElement(compressedPublicKey);
        var x = Secp256k1Group.XOnly(point);
        var y = Uncompressed(point)[33..];
        using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.CreateFromFriendlyName("secp256k1"), Q = new ECPoint { X = x, Y = y } });
        return ecdsa.VerifyHash(hash, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static byte[] Uncompressed(Element point)
    {
        // y from the curve equation via BouncyCastle, independent of Conclave's code.
        var curve = Org.BouncyCastle.Asn1.Sec.SecNamedCurves.GetByName("secp256k1").Curve;
        var p = curve.DecodePoint(Secp256k1Group.Instance.SerializeElement(point)).Normalize();
        return p.GetEncoded(compressed: false);
    }

    private static ParticipantId Id(int i) => new((ushort)i);

    private static byte[] Flip(byte[] b, int index = 20)
    {
        var c = (byte[])b.Clone();
        c[Math.Min(index, c.Length - 1)] ^= 1;
        return c;
    }

    /// <summary>One 2-of-3 key (keygen + aux info with TEST-ONLY fixture primes) shared by the tests.</summary>
    public sealed class Setup : IDisposable
    {
        public Setup()
        {
            Shares = KeygenTests.Run(2, 3);
            Aux = AuxInfoTests.Run(3);
        }

        /// <summary>A setup over given key shares and aux info (party k at index k − 1); it takes ownership of them.</summary>
        internal Setup(List<CggmpCoreKeyShare> shares, List<CggmpAuxInfo> aux)
        {
            Shares = shares;
            Aux = aux;
        }

        public List<CggmpCoreKeyShare> Shares { get; }

        public List<CggmpAuxInfo> Aux { get; }

        public void Dispose()
        {
            Shares.ForEach(s => s.Dispose());
            Aux.ForEach(a => a.Dispose());
        }
    }
}
