using Conclave.Crypto.Groups;
using Conclave.Threshold.Cggmp.Keygen;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>CGGMP21 threshold key generation: honest runs and one malicious-party test per check.</summary>
public sealed class KeygenTests
{
    private static readonly Secp256k1Group G = Secp256k1Group.Instance;

    [Theory]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    [InlineData(5, 7)]
    public void Honest_parties_agree_on_the_key_and_any_t_shares_reconstruct_it(int t, int n)
    {
        var shares = Run(t, n);
        var first = shares[0];
        Assert.All(shares, s => Assert.Equal(first.PublicKey, s.PublicKey));
        Assert.All(shares, s => Assert.Equal(first.PublicShares.Values, s.PublicShares.Values));
        Assert.All(shares, s => Assert.Equal(G.MultiplyBase(s.SecretShare), s.PublicShares[s.Self]));
        Assert.All(shares, s => Assert.Equal(t, s.Threshold));

        // Any t-subset interpolates to the secret of Y (test-only reconstruction).
        foreach (var subset in new[] { shares.Take(t), shares.Skip(n - t), shares.Where((_, i) => i % 2 == 0).Take(t) })
        {
            var list = subset.ToList();
            if (list.Count < t)
            {
                continue;
            }

            Assert.Equal(first.PublicKey, G.MultiplyBase(Interpolate(list)));
        }

        // t-1 shares do not.
        Assert.NotEqual(first.PublicKey, G.MultiplyBase(Interpolate(shares.Take(t - 1).ToList())));
        Dispose(shares);
    }

    [Fact]
    public void Two_runs_give_different_keys()
    {
        var a = Run(2, 3);
        var b = Run(2, 3);
        Assert.NotEqual(a[0].PublicKey, b[0].PublicKey);
        Dispose(a);
        Dispose(b);
    }

    [Fact]
    public void A_party_sending_different_commitments_is_named_by_the_echo()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Run(2, 3, tamperCommit: (from, to, m) =>
            from.Value == 3 && to.Value == 1 ? m with { Commitment = Flip(m.Commitment) } : m));
        Assert.Equal(AbortReason.Equivocation, abort.Reason);
        Assert.Equal([Id(3)], abort.Culprits);
    }

    [Fact]
    public void A_reveal_that_does_not_match_the_commitment_names_its_sender()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Run(2, 3, tamperReveal: m =>
            m.Sender.Value == 2 ? m with { Rid = Flip(m.Rid) } : m));
        Assert.Equal(AbortReason.InvalidDecommitment, abort.Reason);
        Assert.Equal([Id(2)], abort.Culprits);
    }

    [Fact]
    public void An_inconsistent_share_is_a_complaint_against_its_dealer()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Run(3, 5, tamperShare: (from, to, share) =>
            from.Value == 4 && to.Value == 1 ? AddOne(share) : share));
        Assert.Equal(AbortReason.InvalidSecretShare, abort.Reason);
        Assert.Equal([Id(4)], abort.Culprits);
    }

    [Fact]
    public void A_bad_proof_of_knowledge_of_the_share_names_the_prover()
    {
        var abort = Assert.Throws<ProtocolAbortException>(() => Run(2, 3, tamperProof: m =>
            m.Sender.Value == 3 ? m with { Response = AddOne(m.Response) } : m));
        Assert.Equal(AbortReason.InvalidSchnorrProof, abort.Reason);
        Assert.Equal([Id(3)], abort.Culprits);
    }

    [Fact]
    public void Messages_from_another_session_or_missing_messages_abort()
    {
        var session = SessionId.Random();
        var ids = Ids(3);
        var parties = ids.Select(i => new KeygenParty(session, i, ids, 2)).ToList();
        var commits = parties.Select(p => p.Round1()).ToList();
        var foreign = commits[1] with { Session = SessionId.Random() };
        var abort = Assert.Throws<ProtocolAbortException>(() => parties[0].Round2([foreign, commits[2]]));
        Assert.Equal(AbortReason.UnexpectedParticipant, abort.Reason);
        Assert.Equal([Id(2)], abort.Culprits);

        var parties2 = ids.Select(i => new KeygenParty(session, i, ids, 2)).ToList();
        var commits2 = parties2.Select(p => p.Round1()).ToList();
        var missing = Assert.Throws<ProtocolAbortException>(() => parties2[0].Round2([commits2[2]]));
        Assert.Equal([Id(2)], missing.Culprits);

        var parties3 = ids.Select(i => new KeygenParty(session, i, ids, 2)).ToList();
        var commits3 = parties3.Select(p => p.Round1()).ToList();
        var twice = Assert.Throws<ProtocolAbortException>(() => parties3[0].Round2([commits3[1], commits3[1] with { Commitment = Flip(commits3[1].Commitment) }, commits3[2]]));
        Assert.Equal(AbortReason.Equivocation, twice.Reason);
        Assert.Equal([Id(2)], twice.Culprits);
    }

    [Fact]
    public void Steps_out_of_order_are_rejected_and_parameters_are_checked()
    {
        var session = SessionId.Random();
        var ids = Ids(3);
        using var p = new KeygenParty(session, ids[0], ids, 2);
        Assert.Throws<InvalidOperationException>(() => p.Round2([]));
        p.Round1();
        Assert.Throws<InvalidOperationException>(() => p.Round1());
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeygenParty(session, ids[0], ids, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeygenParty(session, ids[0], ids, 4));
        Assert.Throws<ArgumentException>(() => new KeygenParty(session, Id(9), ids, 2));
        Assert.Throws<ArgumentException>(() => new KeygenParty(session, ids[0], [ids[0], ids[0], ids[1]], 2));
    }

    [Fact]
    public void Key_shares_and_share_messages_print_no_secret()
    {
        var shares = Run(2, 3);
        var secretHex = Convert.ToHexStringLower(shares[0].SecretShare);
        Assert.DoesNotContain(secretHex, shares[0].ToString(), StringComparison.OrdinalIgnoreCase);
        using var m = new KeygenShareMessage(SessionId.Random(), Id(1), Id(2), shares[0].SecretShare);
        Assert.DoesNotContain(secretHex, m.ToString(), StringComparison.OrdinalIgnoreCase);
        Dispose(shares);
    }

    internal static List<CggmpCoreKeyShare> Run(
        int t,
        int n,
        Func<ParticipantId, ParticipantId, KeygenCommitMessage, KeygenCommitMessage>? tamperCommit = null,
        Func<KeygenRevealMessage, KeygenRevealMessage>? tamperReveal = null,
        Func<ParticipantId, ParticipantId, byte[], byte[]>? tamperShare = null,
        Func<KeygenProofMessage, KeygenProofMessage>? tamperProof = null)
    {
        var session = SessionId.Random();
        var ids = Ids(n);
        return Drive([.. ids.Select(i => new KeygenParty(session, i, ids, t))], tamperCommit, tamperReveal, tamperShare, tamperProof);
    }

    /// <summary>Runs the four rounds among <paramref name="parties"/> (a keygen or a refresh), applying the tampering hooks; disposes the parties.</summary>
    internal static List<CggmpCoreKeyShare> Drive(
        List<KeygenParty> parties,
        Func<ParticipantId, ParticipantId, KeygenCommitMessage, KeygenCommitMessage>? tamperCommit = null,
        Func<KeygenRevealMessage, KeygenRevealMessage>? tamperReveal = null,
        Func<ParticipantId, ParticipantId, byte[], byte[]>? tamperShare = null,
        Func<KeygenProofMessage, KeygenProofMessage>? tamperProof = null)
    {
        try
        {
            var commits = parties.Select(p => p.Round1()).ToList();
            var echoes = parties.Select(p => p.Round2([.. commits.Where(c => c.Sender != p.Self).Select(c => tamperCommit?.Invoke(c.Sender, p.Self, c) ?? c)])).ToList();
            var round3 = parties.Select(p => p.Round3([.. echoes.Where(e => e.Sender != p.Self)])).ToList();
            var reveals = round3.Select(r => tamperReveal?.Invoke(r.Reveal) ?? r.Reveal).ToList();
            var dealt = round3.SelectMany(r => r.Shares).ToList();
            var proofs = parties.Select(p =>
            {
                var mine = dealt.Where(s => s.Recipient == p.Self)
                    .Select(s => tamperShare is null ? s : new KeygenShareMessage(s.Session, s.Sender, s.Recipient, tamperShare(s.Sender, s.Recipient, s.Share.ToArray())))
                    .ToList();
                return p.Round4([.. reveals.Where(r => r.Sender != p.Self)], mine);
            }).ToList();
            var tampered = proofs.Select(m => tamperProof?.Invoke(m) ?? m).ToList();
            return [.. parties.Select(p => p.Finish([.. tampered.Where(m => m.Sender != p.Self)]))];
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }

    internal static byte[] Interpolate(IReadOnlyList<CggmpCoreKeyShare> shares)
    {
        var ids = shares.Select(s => s.Self).ToList();
        var secret = G.NewScalar();
        var term = G.NewScalar();
        foreach (var s in shares)
        {
            var lambda = Conclave.Threshold.Frost.FrostMath.DeriveInterpolatingValue(G, ids, s.Self);
            G.ScalarMultiply(lambda, s.SecretShare, term);
            G.ScalarAdd(secret, term, secret);
        }

        return secret;
    }

    internal static ParticipantId Id(int i) => new((ushort)i);

    internal static List<ParticipantId> Ids(int n) => [.. Enumerable.Range(1, n).Select(Id)];

    private static byte[] Flip(byte[] b)
    {
        var c = (byte[])b.Clone();
        c[0] ^= 1;
        return c;
    }

    private static byte[] AddOne(byte[] scalar)
    {
        var one = G.NewScalar();
        G.ScalarFromUInt64(1, one);
        var r = G.NewScalar();
        G.ScalarAdd(scalar, one, r);
        return r;
    }

    private static void Dispose(List<CggmpCoreKeyShare> shares) => shares.ForEach(s => s.Dispose());
}
