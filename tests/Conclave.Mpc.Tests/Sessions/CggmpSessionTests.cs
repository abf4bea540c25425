using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;
using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Signatures;
using Conclave.Mpc.Sessions;
using Conclave.Mpc.Transport;
using Conclave.Testing;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Mpc.Tests.Sessions;

public sealed class CggmpSessionTests(CggmpSessionTests.SharedKey shared) : IClassFixture<CggmpSessionTests.SharedKey>
{
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(30);
    private static readonly BigInteger HalfOrder = BigInteger.Parse("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", System.Globalization.NumberStyles.HexNumber);

    public static TheoryData<string> SignerSets => new() { "node-a,node-b", "node-b,node-c", "node-a,node-b,node-c" };

    [Fact]
    public void Keygen_gives_every_node_the_same_public_key_and_the_participant_order()
    {
        var publicKey = shared.Keys["node-a"].SerializePublicKey();
        Assert.Equal(33, publicKey.Length);
        foreach (var (node, key) in shared.Keys)
        {
            Assert.Equal(publicKey, key.SerializePublicKey());
            Assert.Equal(["node-a", "node-b", "node-c"], key.Participants);
            Assert.Equal(key.ParticipantIdOf(node), key.Share.Self);
            Assert.Equal(2, key.Share.Threshold);
            Assert.Contains("<redacted>", key.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Node_a_and_node_c_sign_a_random_hash_and_both_get_the_same_low_s_signature_that_verifies_independently()
    {
        string[] signers = ["node-a", "node-c"];
        var hash = RandomNumberGenerator.GetBytes(32);
        var signatures = await SignAsync(signers, hash);

        var publicKey = shared.Keys["node-a"].SerializePublicKey();
        var compact = signatures[0].ToCompact();
        Assert.All(signatures, s => Assert.Equal(compact, s.ToCompact()));
        Assert.True(EcdsaSecp256k1.VerifyCompact(publicKey, hash, compact));
        Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(publicKey, hash, compact));
        Assert.True(new BigInteger(signatures[0].S, isUnsigned: true, isBigEndian: true) <= HalfOrder);
        Assert.Equal(publicKey, EcdsaSecp256k1.Recover(hash, compact, signatures[0].RecoveryId));
    }

    [Theory]
    [MemberData(nameof(SignerSets))]
    public async Task Any_other_signer_set_of_at_least_t_signs(string signerList)
    {
        var signers = signerList.Split(',');
        var hash = RandomNumberGenerator.GetBytes(32);
        var signatures = await SignAsync(signers, hash);
        var publicKey = shared.Keys["node-a"].SerializePublicKey();
        Assert.All(signatures, s => Assert.True(EcdsaSecp256k1.VerifyCompact(publicKey, hash, s.ToCompact())));
        Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(publicKey, hash, signatures[0].ToCompact()));
    }

    [Fact]
    public async Task Each_signing_marks_a_fresh_presignature_in_every_signers_ledger_exactly_once()
    {
        string[] signers = ["node-b", "node-c"];
        var ledgers = signers.ToDictionary(s => s, _ => new RecordingLedger(), StringComparer.Ordinal);
        await SignAsync(signers, RandomNumberGenerator.GetBytes(32), ledgers);
        await SignAsync(signers, RandomNumberGenerator.GetBytes(32), ledgers);

        foreach (var ledger in ledgers.Values)
        {
            Assert.Equal(2, ledger.Calls);
            Assert.Equal(2, ledger.Used.Count);
        }

        Assert.Equal(ledgers["node-b"].Used.Keys.Order(), ledgers["node-c"].Used.Keys.Order()); // the same presignatures at both signers
    }

    [Fact]
    public async Task A_ledger_that_refuses_the_presignature_stops_the_signer_before_it_signs()
    {
        string[] signers = ["node-a", "node-b"];
        await using var nodes = new SessionTestNodes();
        var refusing = new RecordingLedger { Refuse = true };
        var hash = RandomNumberGenerator.GetBytes(32);
        var outcome = await nodes.RunOnAsync(signers, SessionId.Random(), m =>
            new CggmpSigningSession(m, shared.Keys[m.NodeId], signers, hash, m.NodeId == "node-a" ? refusing : new RecordingLedger(), TimeSpan.FromSeconds(3)).RunAsync(TestContext.Current.CancellationToken));

        await Assert.ThrowsAsync<InvalidOperationException>(() => outcome["node-a"]);
        Assert.Equal(1, refusing.Calls);
        var timeout = await Assert.ThrowsAsync<SessionTimeoutException>(() => outcome["node-b"]);
        Assert.Equal(["node-a"], timeout.MissingSenders);
    }

    [Fact]
    public async Task A_corrupted_presign_round_2_proof_from_an_authentic_sender_aborts_naming_exactly_that_sender()
    {
        string[] signers = ["node-a", "node-b", "node-c"];
        await using var nodes = new SessionTestNodes();
        var session = SessionId.Random();
        nodes.Network.Interceptor = Resealing(nodes, session, "node-a", "node-b", CggmpSigningSession.PresignRound2, payload =>
        {
            // kind ‖ version ‖ recipient:u16 ‖ Γ, D, F, D̂, F̂ ‖ affine proof: each len:u32 ‖ bytes
            var offset = 4;
            for (var i = 0; i < 5; i++)
            {
                offset += 4 + (int)BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(offset));
            }

            var proofLength = (int)BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(offset));
            payload[offset + 4 + (proofLength / 2)] ^= 0x01;
            return payload;
        });

        var outcome = await nodes.RunOnAsync(signers, session, m =>
            new CggmpSigningSession(m, shared.Keys[m.NodeId], signers, new byte[32], new RecordingLedger(), TimeSpan.FromSeconds(5)).RunAsync(TestContext.Current.CancellationToken));

        var abort = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome["node-b"]);
        Assert.Equal([shared.Keys["node-b"].ParticipantIdOf("node-a")], abort.Culprits);
        Assert.All(outcome.Values, t => Assert.True(t.IsFaulted));
    }

    [Fact]
    public async Task A_truncated_partial_signature_from_an_authentic_sender_aborts_as_malformed_naming_that_sender()
    {
        string[] signers = ["node-a", "node-c"];
        await using var nodes = new SessionTestNodes();
        var session = SessionId.Random();
        nodes.Network.Interceptor = Resealing(nodes, session, "node-c", "node-a", CggmpSigningSession.PartialSignatureRound, payload =>
            CggmpEchoBroadcastTests.Resigned(nodes.Cluster.C, EchoBroadcast.SignStatusProtocol, session, CggmpSigningSession.PartialSignatureRound, payload[(2 + 64)..^1])); // signed by its sender: the statement is authentic

        var outcome = await nodes.RunOnAsync(signers, session, m =>
            new CggmpSigningSession(m, shared.Keys[m.NodeId], signers, new byte[32], new RecordingLedger(), RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

        var abort = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome["node-a"]);
        Assert.Equal(AbortReason.MalformedMessage, abort.Reason);
        Assert.Equal([new ParticipantId(3)], abort.Culprits);
        Assert.Contains("truncated", abort.Message, StringComparison.Ordinal);
        Assert.True(outcome["node-c"].IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_silent_signer_makes_the_session_time_out_naming_it()
    {
        string[] signers = ["node-a", "node-b"];
        await using var nodes = new SessionTestNodes();
        var outcome = await nodes.RunOnAsync(["node-a"], SessionId.Random(), m =>
            new CggmpSigningSession(m, shared.Keys[m.NodeId], signers, new byte[32], new RecordingLedger(), TimeSpan.FromSeconds(1)).RunAsync(TestContext.Current.CancellationToken));

        var timeout = await Assert.ThrowsAsync<SessionTimeoutException>(() => outcome["node-a"]);
        Assert.Equal(CggmpSigningSession.PresignRound1, timeout.Round);
        Assert.Equal(["node-b"], timeout.MissingSenders);
    }

    [Fact]
    public async Task A_signing_session_refuses_bad_arguments()
    {
        await using var nodes = new SessionTestNodes();
        var key = shared.Keys["node-a"];
        using var m = nodes.Routers["node-a"].OpenSession(SessionId.Random());
        Assert.Throws<ArgumentException>(() => new CggmpSigningSession(m, key, ["node-a", "node-b"], new byte[31], new RecordingLedger(), RoundTimeout));
        Assert.Throws<ArgumentException>(() => new CggmpSigningSession(m, key, ["node-a"], new byte[32], new RecordingLedger(), RoundTimeout));
        Assert.Throws<ArgumentException>(() => new CggmpSigningSession(m, key, ["node-b", "node-c"], new byte[32], new RecordingLedger(), RoundTimeout));
    }

    [Fact]
    public async Task A_stored_presignature_signs_in_one_round_once_and_survives_its_storage_encoding()
    {
        string[] signers = ["node-a", "node-c"];
        var presignatures = await PresignAsync(signers);
        var ledgers = signers.ToDictionary(s => s, _ => new RecordingLedger(), StringComparer.Ordinal);
        var digest = SHA256.HashData("pay 1 ETH"u8);
        var participants = shared.Keys["node-a"].Participants;
        await using var nodes = new SessionTestNodes();
        var outcome = await nodes.RunOnAsync(signers, SessionId.Random(), m =>
        {
            var encoded = presignatures[m.NodeId].Serialize(); // as a node stores it, then back
            var restored = Presignature.Parse(encoded);
            CryptographicOperations.ZeroMemory(encoded);
            return new CggmpPresignedSigningSession(m, participants, signers, restored, digest, ledgers[m.NodeId], RoundTimeout).RunAsync(TestContext.Current.CancellationToken);
        });
        var signatures = await Task.WhenAll(outcome.Values);
        var publicKey = shared.Keys["node-a"].SerializePublicKey();
        Assert.All(signatures, s => Assert.Equal(signatures[0].ToCompact(), s.ToCompact()));
        Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(publicKey, digest, signatures[0].ToCompact()));
        Assert.Equal(ledgers["node-a"].Used.Keys, ledgers["node-c"].Used.Keys);
        Assert.Single(ledgers["node-a"].Used);

        // The same id again (a restored copy): the ledger refuses before anything is computed.
        Assert.False(ledgers["node-a"].TryMarkUsed(presignatures["node-a"].PublicData.Id));
        Assert.All(presignatures.Values, p => p.Dispose());
    }

    [Fact]
    public async Task A_presignature_is_refused_for_any_other_signer_set()
    {
        string[] signers = ["node-a", "node-b"];
        var presignatures = await PresignAsync(signers);
        await using var nodes = new SessionTestNodes();
        using var m = nodes.Routers["node-a"].OpenSession(SessionId.Random());
        var participants = shared.Keys["node-a"].Participants;
        Assert.Throws<ArgumentException>(() => new CggmpPresignedSigningSession(m, participants, ["node-a", "node-c"], presignatures["node-a"], new byte[32], new RecordingLedger(), RoundTimeout));
        Assert.Throws<ArgumentException>(() => new CggmpPresignedSigningSession(m, participants, ["node-a", "node-b", "node-c"], presignatures["node-a"], new byte[32], new RecordingLedger(), RoundTimeout));
        Assert.Throws<ArgumentException>(() => new CggmpPresignedSigningSession(m, participants, signers, presignatures["node-b"], new byte[32], new RecordingLedger(), RoundTimeout));
        Assert.All(presignatures.Values, p => p.Dispose());
    }

    [Fact]
    public async Task A_tampered_partial_signature_in_the_one_round_path_names_exactly_its_sender()
    {
        string[] signers = ["node-a", "node-b", "node-c"];
        var presignatures = await PresignAsync(signers);
        await using var nodes = new SessionTestNodes();
        var session = SessionId.Random();
        nodes.Network.Interceptor = Resealing(nodes, session, "node-b", "node-a", CggmpPresignedSigningSession.PartialSignatureRound, payload =>
        {
            payload[^1] ^= 0x01; // σ_b + 1: still a canonical scalar, but wrong
            return payload;
        });

        var participants = shared.Keys["node-a"].Participants;
        var digest = SHA256.HashData("tampered"u8);
        var outcome = await nodes.RunOnAsync(signers, session, m =>
            new CggmpPresignedSigningSession(m, participants, signers, presignatures[m.NodeId], digest, new RecordingLedger(), RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

        var abort = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome["node-a"]);
        Assert.Equal(AbortReason.InvalidPartialSignature, abort.Reason);
        Assert.Equal([shared.Keys["node-a"].ParticipantIdOf("node-b")], abort.Culprits);
        Assert.True(outcome["node-c"].IsCompletedSuccessfully); // untampered copies combine
        Assert.All(presignatures.Values, p => Assert.True(p.IsConsumed));
    }

    [Fact]
    public async Task A_signer_that_sends_a_wrong_delta_is_named_by_the_identification_round_at_every_honest_signer()
    {
        string[] signers = ["node-a", "node-b", "node-c"];
        await using var nodes = new SessionTestNodes();
        var session = SessionId.Random();
        var toB = Resealing(nodes, session, "node-a", "node-b", CggmpSigningSession.PresignRound3, WrongDelta);
        var toC = Resealing(nodes, session, "node-a", "node-c", CggmpSigningSession.PresignRound3, WrongDelta);
        nodes.Network.Interceptor = (from, to, envelope) => toB(from, to, envelope) is { } e ? toC(from, to, e) : null;

        var ledgers = signers.ToDictionary(s => s, _ => new RecordingLedger(), StringComparer.Ordinal);
        var outcome = await nodes.RunOnAsync(signers, session, m =>
            new CggmpSigningSession(m, shared.Keys[m.NodeId], signers, new byte[32], ledgers[m.NodeId], RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

        var cheater = shared.Keys["node-a"].ParticipantIdOf("node-a");
        foreach (var honest in new[] { "node-b", "node-c" })
        {
            var abort = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome[honest]);
            Assert.Equal(AbortReason.InvalidDecryptionProof, abort.Reason);
            Assert.Equal([cheater], abort.Culprits);
        }

        // node-a ran honest code and its own check passed (it got honest δ_j): it signed, then
        // answered the others' requests to identify, and in its view nobody lied.
        var own = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome["node-a"]);
        Assert.Equal(AbortReason.InconsistentPresignature, own.Reason);
        Assert.Empty(own.Culprits);
    }

    [Fact]
    public async Task A_wrong_delta_in_a_pooled_presign_session_is_named_and_nothing_is_presigned()
    {
        string[] signers = ["node-a", "node-b"];
        await using var nodes = new SessionTestNodes();
        var session = SessionId.Random();
        nodes.Network.Interceptor = Resealing(nodes, session, "node-b", "node-a", CggmpPresignSession.Round3, WrongDelta);

        var outcome = await nodes.RunOnAsync(signers, session, m =>
            new CggmpPresignSession(m, shared.Keys[m.NodeId], signers, RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

        var abort = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome["node-a"]);
        Assert.Equal(AbortReason.InvalidDecryptionProof, abort.Reason);
        Assert.Equal([shared.Keys["node-a"].ParticipantIdOf("node-b")], abort.Culprits);
        var other = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome["node-b"]); // its check passed; the status sent it into the identification round
        Assert.Empty(other.Culprits);
    }

    [Fact]
    public async Task A_signer_that_sends_a_wrong_S_is_named_by_the_chi_identification_round_in_the_fresh_signing_path()
    {
        // node-b sends node-a a wrong S_b (valid point, no proof covers it): node-a's δ·X = ΣS_j check
        // fails, it asks for the χ round in round 4, and node-b (whose checks passed) already signed:
        // the χ round repeats its σ_b for the request's digest, which fails against the S_b node-a got.
        string[] signers = ["node-a", "node-b"];
        await using var nodes = new SessionTestNodes();
        var session = SessionId.Random();
        nodes.Network.Interceptor = Resealing(nodes, session, "node-b", "node-a", CggmpSigningSession.PresignRound3, WrongS);

        var ledgers = signers.ToDictionary(s => s, _ => new RecordingLedger(), StringComparer.Ordinal);
        var outcome = await nodes.RunOnAsync(signers, session, m =>
            new CggmpSigningSession(m, shared.Keys[m.NodeId], signers, SHA256.HashData("wrong S"u8), ledgers[m.NodeId], RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

        var abort = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome["node-a"]);
        Assert.Equal(AbortReason.InvalidPartialSignature, abort.Reason);
        Assert.Equal([shared.Keys["node-a"].ParticipantIdOf("node-b")], abort.Culprits);
        var other = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome["node-b"]); // honest code, its checks passed: nobody lied to it
        Assert.Equal(AbortReason.InconsistentPresignature, other.Reason);
        Assert.Empty(other.Culprits);
        Assert.Equal(0, ledgers["node-a"].Calls); // node-a never got a presignature
        Assert.Equal(1, ledgers["node-b"].Calls); // node-b signed once; the χ round repeated that σ_b
    }

    [Fact]
    public async Task A_wrong_S_in_a_pooled_presign_session_is_named_and_nothing_is_presigned()
    {
        string[] signers = ["node-a", "node-b", "node-c"];
        await using var nodes = new SessionTestNodes();
        var session = SessionId.Random();
        nodes.Network.Interceptor = Resealing(nodes, session, "node-c", "node-a", CggmpPresignSession.Round3, WrongS);

        var outcome = await nodes.RunOnAsync(signers, session, m =>
            new CggmpPresignSession(m, shared.Keys[m.NodeId], signers, RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

        var abort = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome["node-a"]);
        Assert.Equal(AbortReason.InvalidPartialSignature, abort.Reason);
        Assert.Equal([shared.Keys["node-a"].ParticipantIdOf("node-c")], abort.Culprits);
        foreach (var node in new[] { "node-b", "node-c" })
        {
            var other = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome[node]); // checks passed; the status sent them into the χ round
            Assert.Equal(AbortReason.InconsistentPresignature, other.Reason);
            Assert.Empty(other.Culprits);
        }
    }

    [Fact]
    public void FromStored_refuses_a_participant_list_that_does_not_fit_the_share()
    {
        var key = shared.Keys["node-a"];
        Assert.Throws<ArgumentException>(() => CggmpKeygenResult.FromStored(key.Share, key.AuxInfo, ["node-a", "node-b"]));
        Assert.Throws<ArgumentException>(() => CggmpKeygenResult.FromStored(key.Share, key.AuxInfo, ["node-c", "node-b", "node-a"]));
        Assert.Throws<ArgumentException>(() => CggmpKeygenResult.FromStored(key.Share, shared.Keys["node-b"].AuxInfo, ["node-a", "node-b", "node-c"]));
        var rebuilt = CggmpKeygenResult.FromStored(key.Share, key.AuxInfo, ["node-a", "node-b", "node-c"]); // shares the objects: not disposed here
        Assert.Equal(key.SerializePublicKey(), rebuilt.SerializePublicKey());
    }

    private async Task<Dictionary<string, Presignature>> PresignAsync(string[] signers)
    {
        await using var nodes = new SessionTestNodes();
        var outcome = await nodes.RunOnAsync(signers, SessionId.Random(), m =>
            new CggmpPresignSession(m, shared.Keys[m.NodeId], signers, RoundTimeout).RunAsync(TestContext.Current.CancellationToken));
        var result = new Dictionary<string, Presignature>(StringComparer.Ordinal);
        foreach (var (node, task) in outcome)
        {
            result[node] = await task;
        }

        Assert.Single(result.Values.Select(p => Convert.ToHexString(p.PublicData.Id)).Distinct());
        return result;
    }

    private async Task<EcdsaSignature[]> SignAsync(string[] signers, byte[] hash, Dictionary<string, RecordingLedger>? ledgers = null)
    {
        await using var nodes = new SessionTestNodes();
        var outcome = await nodes.RunOnAsync(signers, SessionId.Random(), m =>
            new CggmpSigningSession(m, shared.Keys[m.NodeId], signers, hash, ledgers?[m.NodeId] ?? new RecordingLedger(), RoundTimeout).RunAsync(TestContext.Current.CancellationToken));
        return await Task.WhenAll(outcome.Values);
    }

    /// <summary>Flips the low bit of δ_i in a round-3 payload (still canonical, but wrong): kind ‖ version ‖ recipient:u16 ‖ δ: len:u32 (32) ‖ 32 bytes ‖ …</summary>
    private static byte[] WrongDelta(byte[] payload)
    {
        Assert.Equal(32u, BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)));
        payload[8 + 31] ^= 0x01;
        return payload;
    }

    /// <summary>
    /// Replaces S_i in a round-3 payload by S_i + G (a valid point, but wrong): kind ‖ version ‖
    /// recipient:u16 ‖ δ (4 + 32) ‖ Δ (4 + 33) ‖ S: len:u32 (33) ‖ 33 bytes ‖ ….
    /// </summary>
    private static byte[] WrongS(byte[] payload)
    {
        const int at = 4 + 4 + 32 + 4 + 33;
        Assert.Equal(33u, BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(at)));
        var curve = Secp256k1Group.Instance;
        var s = curve.DeserializeElement(payload.AsSpan(at + 4, 33));
        curve.SerializeElement(curve.Add(s, curve.Generator)).CopyTo(payload, at + 4);
        return payload;
    }

    /// <summary>
    /// An interceptor that replaces the first envelope of <paramref name="round"/> from
    /// <paramref name="from"/> to <paramref name="to"/> by one with a tampered payload, sealed again
    /// with the sender's own identity and sequence number, so the recipient accepts it as authentic.
    /// </summary>
    private static Func<string, string, byte[], byte[]?> Resealing(SessionTestNodes nodes, SessionId session, string from, string to, int round, Func<byte[], byte[]> tamper)
    {
        var identities = new[] { nodes.Cluster.A, nodes.Cluster.B, nodes.Cluster.C }.ToDictionary(i => i.NodeId, StringComparer.Ordinal);
        var spare = new EnvelopeOpener(identities[to], nodes.Cluster.Membership);
        spare.AddSession(session);
        Assert.True(nodes.Cluster.Membership.TryGetMember(to, out var recipient));
        var done = 0;
        return (f, t, envelope) =>
        {
            if (f != from || t != to || Volatile.Read(ref done) == 1 || !spare.TryOpen(envelope, out var message, out _))
            {
                return envelope;
            }

            using (message)
            {
                if (message.Round != round)
                {
                    return envelope;
                }

                Interlocked.Exchange(ref done, 1);
                return EnvelopeSealer.Seal(identities[from], recipient.Identity, session, round, message.Sequence, tamper(message.Payload.ToArray()));
            }
        };
    }

    /// <summary>One 2-of-3 key generation (keygen + aux info with test-only Paillier primes), shared by the tests.</summary>
    public sealed class SharedKey : IAsyncLifetime
    {
        public Dictionary<string, CggmpKeygenResult> Keys { get; } = new(StringComparer.Ordinal);

        public async ValueTask InitializeAsync()
        {
            await using var nodes = new SessionTestNodes();
            var primes = new Dictionary<string, (int, int)>(StringComparer.Ordinal) { ["node-a"] = (0, 1), ["node-b"] = (2, 3), ["node-c"] = (4, 5) };
            var calls = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            var outcome = await nodes.RunOnAsync(nodes.NodeIds, nodes.Cluster.Session, m =>
                new CggmpKeygenSession(m, nodes.NodeIds, 2, _ =>
                {
                    calls.AddOrUpdate(m.NodeId, 1, (_, c) => c + 1);
                    var (i, j) = primes[m.NodeId];
                    return Task.FromResult(TestOnlySafePrimes.CreateKey(i, j));
                }, RoundTimeout).RunAsync());
            foreach (var (node, task) in outcome)
            {
                Keys[node] = await task;
            }

            Assert.All(calls.Values, c => Assert.Equal(1, c));
        }

        public ValueTask DisposeAsync()
        {
            foreach (var key in Keys.Values)
            {
                key.Dispose();
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class RecordingLedger : IPresignatureLedger
    {
        private int _calls;

        public bool Refuse { get; init; }

        public int Calls => Volatile.Read(ref _calls);

        public ConcurrentDictionary<string, bool> Used { get; } = new(StringComparer.Ordinal);

        public bool TryMarkUsed(ReadOnlySpan<byte> presignatureId)
        {
            Interlocked.Increment(ref _calls);
            return !Refuse && Used.TryAdd(Convert.ToHexString(presignatureId), true);
        }
    }
}
