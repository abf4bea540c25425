using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Testing;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>
/// The χ identification round of presigning (δ·G = ΣΔ_j but δ·X ≠ ΣS_j; the paper's signing-time
/// identification, Fig. 8): a wrong S_j, a σ_j that is not the decryption of its signer's ciphertexts,
/// and lies in the round's own messages name exactly their sender; honest signers are never named.
/// </summary>
public sealed partial class PresignTests
{
    private static readonly Secp256k1Group Curve = Secp256k1Group.Instance;

    [Theory]
    [InlineData(new[] { 1, 2 }, 1)]
    [InlineData(new[] { 1, 2, 3 }, 2)]
    public void A_wrong_S_is_named_by_every_honest_signer(int[] signerIds, int cheater)
    {
        var (presignatures, aborts, failed) = RunChi(signerIds, tamper3: ShiftS(cheater, null));
        Assert.Null(presignatures);
        foreach (var honest in signerIds.Where(i => i != cheater).Select(Id))
        {
            Assert.Contains(honest, failed);
            Assert.Equal(AbortReason.InvalidPartialSignature, aborts![honest].Reason);
            Assert.Equal([Id(cheater)], aborts[honest].Culprits);
        }

        // The cheater (honest code under a tampered transport) saw its true S: it names no one.
        Assert.DoesNotContain(Id(cheater), failed);
        Assert.Equal(AbortReason.InconsistentPresignature, aborts![Id(cheater)].Reason);
        Assert.Empty(aborts[Id(cheater)].Culprits);

        // Run (what callers see) throws the first failing signer's abort.
        var abort = Assert.Throws<ProtocolAbortException>(() => Presign(signerIds, tamper3: ShiftS(cheater, null)));
        Assert.Equal(AbortReason.InvalidPartialSignature, abort.Reason);
        Assert.Equal([Id(cheater)], abort.Culprits);
    }

    [Fact]
    public void A_sigma_that_matches_a_wrong_S_but_not_its_ciphertexts_is_named_by_the_decryption_proof()
    {
        // Signer 2 sends S_2 + Γ and, in the χ round, σ_2 + r: the group check σ_2·Γ = m·Δ_2 + r·S_2
        // passes, but K_2^m·Û_2^r decrypts to the true σ_2, so Π^dec fails.
        var adversary = new ShiftAdversary(2);
        var (_, aborts, _) = RunChi([1, 2, 3], tamper3: ShiftS(2, adversary), tamperChi: adversary.ShiftSigma);
        foreach (var honest in new[] { 1, 3 })
        {
            Assert.Equal(AbortReason.InvalidDecryptionProof, aborts![Id(honest)].Reason);
            Assert.Equal([Id(2)], aborts[Id(honest)].Culprits);
        }
    }

    [Fact]
    public void A_forged_multiplication_star_proof_or_a_replaced_H_hat_names_its_sender()
    {
        var adversary = new ShiftAdversary(1);
        var (_, aborts, _) = RunChi([1, 2, 3], tamper3: ShiftS(1, adversary), tamperChi: m =>
            m.Sender.Value == 3 ? m with { MulStarProof = Flip(m.MulStarProof) } : adversary.ShiftSigma(m));
        foreach (var view in new[] { 1, 2 })
        {
            Assert.Equal(AbortReason.InvalidMultiplicationProof, aborts![Id(view)].Reason);
            Assert.Equal([Id(3)], aborts[Id(view)].Culprits);
        }

        // Signer 1 replaces Ĥ_1 by another valid ciphertext under its key (its K_1): Π^mul* no longer holds.
        var adversary2 = new ShiftAdversary(1);
        byte[]? k1 = null;
        var (_, aborts2, _) = CggmpPresigning.RunWithIdentification(
            _setup.Shares,
            _setup.Aux,
            [1, 2, 3],
            tamper1: m =>
            {
                k1 = m.Sender.Value == 1 ? m.K : k1;
                return m;
            },
            tamper3: ShiftS(1, adversary2),
            tamperChi: m => m.Sender.Value == 1 ? adversary2.ShiftSigma(m) with { HHat = k1! } : m);
        foreach (var view in new[] { 2, 3 })
        {
            Assert.Equal(AbortReason.InvalidMultiplicationProof, aborts2![Id(view)].Reason);
            Assert.Equal([Id(1)], aborts2[Id(view)].Culprits);
        }
    }

    [Fact]
    public void A_forged_affine_re_proof_a_false_claim_or_a_malformed_message_in_the_chi_round_names_its_sender()
    {
        // Signer 2's message to signer 3 re-proves the χ pair (2→1) for signer 3.
        var (_, affine, _) = RunChi([1, 2, 3], tamper3: ShiftS(1, null), tamperChi: m =>
            m.Sender.Value == 2 && m.Recipient.Value == 3 ? m with { AffineProofs = [Flip(m.AffineProofs[0])] } : m);
        Assert.Equal(AbortReason.InvalidPartialSignature, affine![Id(2)].Reason);
        Assert.Equal([Id(1)], affine[Id(2)].Culprits);
        Assert.Equal(AbortReason.InvalidPartialSignature, affine[Id(3)].Reason);

        var adversary = new ShiftAdversary(1);
        var (_, reproof, _) = RunChi([1, 2, 3], tamper3: ShiftS(1, adversary), tamperChi: m =>
            m.Sender.Value == 2 && m.Recipient.Value == 3 ? m with { AffineProofs = [Flip(m.AffineProofs[0])] } : adversary.ShiftSigma(m));
        Assert.Equal(AbortReason.InvalidAffineOperationProof, reproof![Id(3)].Reason);
        Assert.Equal([Id(2)], reproof[Id(3)].Culprits);
        Assert.Equal(AbortReason.InvalidDecryptionProof, reproof[Id(2)].Reason);
        Assert.Equal([Id(1)], reproof[Id(2)].Culprits);

        // Signer 3 misreports the χ pair it received from signer 1: 1 names 3, 2 names both.
        var liar = new ShiftAdversary(2);
        var (_, claim, _) = RunChi([1, 2, 3], tamper3: ShiftS(2, liar), tamperChi: m =>
            m.Sender.Value == 3 ? m with { Received = [.. m.Received.Select(c => c.Peer.Value == 1 ? c with { D = m.HHat } : c)] } : liar.ShiftSigma(m));
        Assert.Equal(AbortReason.Equivocation, claim![Id(1)].Reason);
        Assert.Equal([Id(3)], claim[Id(1)].Culprits);

        // σ of the wrong length, and a truncated claim list.
        var (_, malformed, _) = RunChi([1, 2, 3], tamper3: ShiftS(1, null), tamperChi: m =>
            m.Sender.Value == 2 ? m with { Sigma = [.. m.Sigma, 0] } : m.Sender.Value == 3 ? m with { Sent = [.. m.Sent.Take(1)] } : m);
        Assert.Equal(AbortReason.MalformedMessage, malformed![Id(1)].Reason);
        Assert.Equal([Id(2), Id(3)], malformed[Id(1)].Culprits);
    }

    [Fact]
    public void Honest_runs_never_enter_the_chi_round_and_a_forced_honest_chi_round_names_no_one()
    {
        var session = SessionId.Random();
        List<ParticipantId> signers = [Id(1), Id(2), Id(3)];
        var parties = signers.Select(s => new PresignParty(session, _setup.Shares[s.Value - 1], _setup.Aux[s.Value - 1], signers)).ToList();
        try
        {
            Assert.Throws<InvalidOperationException>(() => parties[0].ChiIdentificationRound());
            var r1 = parties.SelectMany(p => p.Round1()).ToList();
            var r2 = parties.SelectMany(p => p.Round2(r1)).ToList();
            var r3 = parties.SelectMany(p => p.Round3(r2)).ToList();
            var hash = RandomNumberGenerator.GetBytes(32);
            var partials = new List<PartialSignature>();
            PresignaturePublicData? data = null;
            foreach (var p in parties)
            {
                Assert.True(p.TryFinish(r3, out var presignature));
                Assert.Equal(PresignOutputCheck.None, p.FailedCheck);
                data = presignature.PublicData;
                partials.Add(CggmpSigning.PartialSign(presignature, hash));
            }

            // Every signer derives the same public message, bound to this session.
            Assert.Single(parties.Select(p => Convert.ToHexString(p.ChiIdentificationMessageHash())).Distinct());
            Assert.Throws<ArgumentException>(() => parties[0].ChiIdentificationRound(hash.AsSpan(1)));

            // Forced with the digest the presignature signed, σ_i is exactly the partial signature
            // already published (nothing new is revealed), and honest signers pass every check.
            var chi = parties.SelectMany(p => p.ChiIdentificationRound(hash)).ToList();
            Assert.Throws<InvalidOperationException>(() => parties[0].ChiIdentificationRound(hash));
            Assert.Throws<InvalidOperationException>(() => parties[0].IdentificationRound());
            foreach (var m in chi)
            {
                Assert.Equal(partials.Single(s => s.Signer == m.Sender).Sigma, m.Sigma);
            }

            foreach (var p in parties)
            {
                var abort = Assert.Throws<ProtocolAbortException>(() => p.IdentifyChi(chi));
                Assert.Equal(AbortReason.InconsistentPresignature, abort.Reason);
                Assert.Empty(abort.Culprits);
            }

            Assert.NotNull(CggmpSigning.Combine(data!, partials, hash));
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public void After_a_failed_delta_check_the_chi_round_is_refused()
    {
        var session = SessionId.Random();
        List<ParticipantId> signers = [Id(1), Id(2)];
        var parties = signers.Select(s => new PresignParty(session, _setup.Shares[s.Value - 1], _setup.Aux[s.Value - 1], signers)).ToList();
        try
        {
            var r1 = parties.SelectMany(p => p.Round1()).ToList();
            var r2 = parties.SelectMany(p => p.Round2(r1)).ToList();
            var r3 = parties.SelectMany(p => p.Round3(r2)).Select(BumpDelta(2)).ToList();
            Assert.False(parties[0].TryFinish(r3, out _));
            Assert.Equal(PresignOutputCheck.Delta, parties[0].FailedCheck);
            Assert.Throws<InvalidOperationException>(() => parties[0].ChiIdentificationRound());
            Assert.Throws<InvalidOperationException>(() => parties[0].ChiIdentificationMessageHash());
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }

    /// <summary>Round 3 from <paramref name="cheater"/> with S + Γ (Γ from the message's own echo); records δ_j and Γ for <paramref name="adversary"/>.</summary>
    private static Func<PresignRound3Message, PresignRound3Message> ShiftS(int cheater, ShiftAdversary? adversary) => m =>
    {
        var gamma = Curve.Sum(m.GammaEcho.Select(g => Curve.DeserializeElement(g)));
        adversary?.Observe(m, gamma);
        return m.Sender.Value != cheater ? m : m with { S = Curve.SerializeElement(Curve.Add(Curve.DeserializeElement(m.S), gamma)) };
    };

    private (List<Presignature>? Presignatures, SortedDictionary<ParticipantId, ProtocolAbortException>? Aborts, IReadOnlySet<ParticipantId> Failed) RunChi(
        int[] signerIds,
        Func<PresignRound3Message, PresignRound3Message>? tamper3 = null,
        Func<PresignChiIdentificationMessage, PresignChiIdentificationMessage>? tamperChi = null) =>
        CggmpPresigning.RunWithIdentification(_setup.Shares, _setup.Aux, signerIds, tamper3: tamper3, tamperChi: tamperChi);

    /// <summary>
    /// A cheater that shifted S_j by Γ and now shifts σ_j by r = x(δ⁻¹·Γ) so that the group check
    /// still holds: it learns δ = Σδ_j and Γ from round 3, as every signer does.
    /// </summary>
    private sealed class ShiftAdversary(int cheater)
    {
        private readonly Dictionary<ParticipantId, byte[]> _deltas = [];
        private Element? _gamma;

        public void Observe(PresignRound3Message m, Element gamma)
        {
            _deltas[m.Sender] = m.Delta;
            _gamma = gamma;
        }

        public PresignChiIdentificationMessage ShiftSigma(PresignChiIdentificationMessage m)
        {
            if (m.Sender.Value != cheater)
            {
                return m;
            }

            var delta = Curve.NewScalar();
            foreach (var d in _deltas.Values)
            {
                Curve.ScalarAdd(delta, d, delta);
            }

            var inverse = Curve.NewScalar();
            Curve.ScalarInvertPublic(delta, inverse);
            var r = Curve.NewScalar();
            Curve.ScalarReduce(Secp256k1Group.XOnly(Curve.MultiplyPublic(_gamma!, inverse)), r);
            var sigma = Curve.NewScalar();
            Curve.ScalarAdd(m.Sigma, r, sigma);
            return m with { Sigma = sigma };
        }
    }
}
