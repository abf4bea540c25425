using Conclave.Testing;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>
/// The identification round of presigning (paper Fig. 7, "Output" 2): a wrong δ_j with every proof
/// valid, and lies in the identification messages themselves, name exactly their sender.
/// </summary>
public sealed partial class PresignTests
{
    [Theory]
    [InlineData(new[] { 1, 2 }, 1)]
    [InlineData(new[] { 1, 2, 3 }, 2)]
    public void A_wrong_delta_with_valid_proofs_is_named_by_every_honest_signer(int[] signerIds, int cheater)
    {
        var (presignatures, aborts, failed) = RunIdentification(signerIds, tamper3: BumpDelta(cheater));
        Assert.Null(presignatures);
        Assert.NotNull(aborts);

        // Run (what callers see) throws the abort of the first signer whose output check failed.
        if (signerIds.Length == 2)
        {
            var abort = Assert.Throws<ProtocolAbortException>(() => Presign(signerIds, tamper3: BumpDelta(cheater)));
            Assert.Equal(AbortReason.InvalidDecryptionProof, abort.Reason);
            Assert.Equal([Id(cheater)], abort.Culprits);
        }

        // Every honest signer's output check failed, and every honest signer names exactly the cheater.
        foreach (var honest in signerIds.Where(i => i != cheater).Select(Id))
        {
            Assert.Contains(honest, failed);
            Assert.Equal(AbortReason.InvalidDecryptionProof, aborts[honest].Reason);
            Assert.Equal([Id(cheater)], aborts[honest].Culprits);
        }

        // The cheater (running the honest code under a tampered transport) saw consistent values:
        // its own check passed, and every other signer passes identification in its view.
        Assert.DoesNotContain(Id(cheater), failed);
        Assert.Equal(AbortReason.InconsistentPresignature, aborts[Id(cheater)].Reason);
        Assert.Empty(aborts[Id(cheater)].Culprits);
    }

    [Fact]
    public void Honest_runs_never_enter_the_identification_round_and_honest_identification_names_no_one()
    {
        // Every honest output check passes (TryFinish returns true: the round is not entered). Forcing
        // the round anyway, every honest signer's H_i, claims and proofs pass everyone's checks, so
        // no honest signer is ever named.
        var session = SessionId.Random();
        List<ParticipantId> signers = [Id(1), Id(2), Id(3)];
        var parties = signers.Select(s => new PresignParty(session, _setup.Shares[s.Value - 1], _setup.Aux[s.Value - 1], signers)).ToList();
        try
        {
            Assert.Throws<InvalidOperationException>(() => parties[0].IdentificationRound());
            var r1 = parties.SelectMany(p => p.Round1()).ToList();
            var r2 = parties.SelectMany(p => p.Round2(r1)).ToList();
            var r3 = parties.SelectMany(p => p.Round3(r2)).ToList();
            foreach (var p in parties)
            {
                Assert.True(p.TryFinish(r3, out var presignature));
                presignature.Dispose();
            }

            var r4 = parties.SelectMany(p => p.IdentificationRound()).ToList();
            Assert.Throws<InvalidOperationException>(() => parties[0].IdentificationRound());
            foreach (var p in parties)
            {
                var abort = Assert.Throws<ProtocolAbortException>(() => p.Identify(r4));
                Assert.Equal(AbortReason.InconsistentPresignature, abort.Reason);
                Assert.Empty(abort.Culprits);
            }
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public void A_forged_multiplication_proof_in_the_identification_round_names_its_sender()
    {
        var (_, aborts, _) = RunIdentification([1, 2, 3], tamper3: BumpDelta(1), tamper4: m =>
            m.Sender.Value == 3 ? m with { MulProof = Flip(m.MulProof) } : m);
        foreach (var view in new[] { 1, 2 })
        {
            Assert.Equal(AbortReason.InvalidMultiplicationProof, aborts![Id(view)].Reason);
            Assert.Equal([Id(3)], aborts[Id(view)].Culprits);
        }
    }

    [Fact]
    public void A_forged_decryption_proof_in_the_identification_round_names_its_sender()
    {
        // Signer 3 sends signer 2 a broken Π^dec; signer 1's wrong δ is named alongside it.
        var (_, aborts, _) = RunIdentification([1, 2, 3], tamper3: BumpDelta(1), tamper4: m =>
            m.Sender.Value == 3 && m.Recipient.Value == 2 ? m with { DecProof = Flip(m.DecProof) } : m);
        Assert.Equal(AbortReason.InvalidDecryptionProof, aborts![Id(2)].Reason);
        Assert.Equal([Id(1), Id(3)], aborts[Id(2)].Culprits);
        Assert.Equal([Id(1)], aborts[Id(3)].Culprits);
    }

    [Fact]
    public void A_forged_affine_re_proof_in_the_identification_round_names_its_sender()
    {
        // Signer 2's message to signer 3 re-proves the pair (2→1) for signer 3.
        var (_, aborts, _) = RunIdentification([1, 2, 3], tamper3: BumpDelta(1), tamper4: m =>
            m.Sender.Value == 2 && m.Recipient.Value == 3 ? m with { AffineProofs = [Flip(m.AffineProofs[0])] } : m);
        Assert.Equal(AbortReason.InvalidAffineOperationProof, aborts![Id(3)].Reason);
        Assert.Equal([Id(2)], aborts[Id(3)].Culprits);
        Assert.Equal(AbortReason.InvalidDecryptionProof, aborts[Id(2)].Reason);
        Assert.Equal([Id(1)], aborts[Id(2)].Culprits);

        // Two signers have no third party: no re-proof is sent, and one is refused.
        var (_, two, _) = RunIdentification([1, 2], tamper3: BumpDelta(1), tamper4: m =>
            m.Sender.Value == 1 ? m with { AffineProofs = [m.MulProof] } : m);
        Assert.Equal(AbortReason.InvalidAffineOperationProof, two![Id(2)].Reason);
        Assert.Equal([Id(1)], two[Id(2)].Culprits);
    }

    [Fact]
    public void A_false_mta_claim_names_the_liar_and_without_signed_messages_its_counterpart()
    {
        // Signer 3 misreports the pair (D, F) it received from signer 1 (D replaced by another valid
        // ciphertext under its own key). Signer 1 knows what it sent and names only 3; signer 2 can
        // not tell which of the two lies and names both.
        var (_, aborts, _) = RunIdentification([1, 2, 3], tamper3: BumpDelta(2), tamper4: m =>
            m.Sender.Value == 3 ? m with { Received = [.. m.Received.Select(c => c.Peer.Value == 1 ? c with { D = m.H } : c)] } : m);
        Assert.Equal(AbortReason.Equivocation, aborts![Id(1)].Reason);
        Assert.Equal([Id(3)], aborts[Id(1)].Culprits);
        Assert.Equal(AbortReason.Equivocation, aborts[Id(2)].Reason);
        Assert.Equal([Id(1), Id(3)], aborts[Id(2)].Culprits);
    }

    [Fact]
    public void A_malformed_identification_message_names_its_sender()
    {
        var (_, aborts, _) = RunIdentification([1, 2, 3], tamper3: BumpDelta(1), tamper4: m =>
            m.Sender.Value == 2 ? m with { Sent = m.Sent.Take(1).ToList() } : m.Sender.Value == 3 ? m with { H = [0] } : m);
        Assert.Equal(AbortReason.MalformedMessage, aborts![Id(1)].Reason);
        Assert.Equal([Id(2), Id(3)], aborts[Id(1)].Culprits);
    }

    private static Func<PresignRound3Message, PresignRound3Message> BumpDelta(int cheater) => m =>
    {
        if (m.Sender.Value != cheater)
        {
            return m;
        }

        var bumped = (byte[])m.Delta.Clone();
        bumped[31] ^= 1;
        return m with { Delta = bumped };
    };

    private (List<Presignature>? Presignatures, SortedDictionary<ParticipantId, ProtocolAbortException>? Aborts, IReadOnlySet<ParticipantId> Failed) RunIdentification(
        int[] signerIds,
        Func<PresignRound3Message, PresignRound3Message>? tamper3 = null,
        Func<PresignIdentificationMessage, PresignIdentificationMessage>? tamper4 = null) =>
        CggmpPresigning.RunWithIdentification(_setup.Shares, _setup.Aux, signerIds, tamper3: tamper3, tamper4: tamper4);
}
