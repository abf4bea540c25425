using System.Buffers.Binary;
using System.Security.Cryptography;
using Conclave.Mpc.Storage.Internal;
using Conclave.Mpc.Transport;
using Conclave.Threshold;
using NSec.Cryptography;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One round sent as a consistent broadcast with proof (docs/design/cggmp-sessions.md, "Status
/// rounds are echo broadcasts"): every signer sends its payload to every other signer together with
/// its own Ed25519 signature over a statement naming the protocol, session, round, sender and the
/// payload's SHA-256 digest (not the recipient, so the statement can be shown to anyone); then, in
/// the echo round, every signer sends every other signer the signed statements it received. Only
/// when every echo matches what this signer received are the payloads parsed and returned.
/// </summary>
/// <remarks>
/// <para>This is echo broadcast with signed messages, which gives the broadcast channel that
/// CGGMP21 assumes (Canetti, Gennaro, Goldfeder, Makriyannis, Peled, "UC Non-Interactive, Proactive,
/// Threshold ECDSA with Identifiable Aborts", CCS 2020 / ePrint 2021/060, where parties are assumed to
/// broadcast and a broadcast may be realised by echoing) in the weak form of Goldwasser and Lindell,
/// "Secure Multi-Party Computation without Agreement" (J. Cryptology 18(3), 2005): either every
/// honest signer gets the same payload from each sender, or every honest signer aborts. With
/// signatures the abort is identifiable: two valid statements of one sender for the same session
/// and round with different digests prove that the sender equivocated
/// (<see cref="AbortReason.Equivocation"/>, naming exactly that sender), and an echoed statement
/// whose signature does not verify names the echoer (<see cref="AbortReason.InvalidEchoedStatement"/>).
/// An honest signer is never named: nobody else can sign its statements.</para>
/// <para>With two signers there is nobody to be inconsistent with, so the echo round is skipped.</para>
/// <para>Precedence when several checks fail at one node: malformed round payloads or bad statement
/// signatures from their direct sender (before the echo), then equivocation, then forged echoes,
/// then malformed echoes, then malformed inner payloads (after the echo). Each list is complete.</para>
/// </remarks>
internal sealed class EchoBroadcast
{
    /// <summary>Domain separation for every statement this class signs.</summary>
    internal const string StatementLabel = "conclave/mpc/echo-broadcast/statement/v1";

    /// <summary>The fresh signing round that carries σ_i or the status "identify" (<see cref="CggmpSigningSession"/>).</summary>
    internal const string SignStatusProtocol = "cggmp21/sign/partial-signature-or-status";

    /// <summary>The pooled presigning status round (<see cref="CggmpPresignSession"/>).</summary>
    internal const string PresignStatusProtocol = "cggmp21/presign/status";

    internal const int DigestLength = 32;
    internal const int SignatureLength = 64;

    /// <summary><c>kind ‖ version ‖ signature[64]</c> before the inner payload.</summary>
    private const int SignedHeaderLength = 2 + SignatureLength;

    /// <summary>One echo entry: <c>participant:u16 ‖ digest[32] ‖ signature[64]</c>.</summary>
    private const int EntryLength = 2 + DigestLength + SignatureLength;

    private readonly SessionMessenger _messenger;
    private readonly string _protocol;
    private readonly int _round;
    private readonly int _echoRound;
    private readonly IReadOnlyList<string> _signers;
    private readonly Func<string, ParticipantId> _participantOf;
    private readonly TimeSpan _timeout;

    /// <param name="messenger">This node's messenger.</param>
    /// <param name="protocol">Which round this is (<see cref="SignStatusProtocol"/> or <see cref="PresignStatusProtocol"/>).</param>
    /// <param name="round">The messenger round of the payloads.</param>
    /// <param name="echoRound">The messenger round of the echoes.</param>
    /// <param name="signers">Every signer, this node included.</param>
    /// <param name="participantOf">Node id → participant id (for blame).</param>
    /// <param name="timeout">How long each of the two rounds waits.</param>
    internal EchoBroadcast(SessionMessenger messenger, string protocol, int round, int echoRound, IReadOnlyList<string> signers, Func<string, ParticipantId> participantOf, TimeSpan timeout)
    {
        _messenger = messenger;
        _protocol = protocol;
        _round = round;
        _echoRound = echoRound;
        _signers = signers;
        _participantOf = participantOf;
        _timeout = timeout;
    }

    /// <summary>
    /// Broadcasts <paramref name="payload"/> (a whole session payload, kind byte included), runs the
    /// echo round, and returns every other signer's payload parsed with <paramref name="parse"/>, keyed
    /// by participant.
    /// </summary>
    /// <exception cref="ProtocolAbortException">A signer sent a bad statement, equivocated, forged an echo, or sent a malformed payload.</exception>
    /// <exception cref="SessionTimeoutException">A signer did not deliver its payload or its echo in time.</exception>
    internal async Task<Dictionary<ParticipantId, T>> RunAsync<T>(byte[] payload, Func<ParticipantId, ReadOnlySpan<byte>, T> parse, CancellationToken cancellationToken)
    {
        var self = _messenger.NodeId;
        var others = _signers.Where(s => !string.Equals(s, self, StringComparison.Ordinal)).ToList();
        var signed = SignedPayload(_messenger.Identity, _protocol, _messenger.Session, _round, payload);
        await _messenger.SendToAllAsync(others, _round, signed, cancellationToken).ConfigureAwait(false);

        var messages = await _messenger.ReceiveRoundAsync(_round, others, _timeout, cancellationToken).ConfigureAwait(false);
        try
        {
            // A statement that its own (envelope-authenticated) sender did not sign validly is that sender's fault.
            var received = SessionPayload.ParseAllPayloads(messages, _participantOf, ReadStatement);
            if (others.Count >= 2)
            {
                var views = received.ToDictionary(kv => kv.Key, kv => kv.Value);
                views[_participantOf(self)] = new ReceivedStatement(SHA256.HashData(payload), signed.AsSpan(2, SignatureLength).ToArray());
                await EchoAsync(others, views, cancellationToken).ConfigureAwait(false);
            }

            return SessionPayload.ParseAllPayloads(messages, _participantOf, (id, p) => parse(id, p[SignedHeaderLength..]));
        }
        finally
        {
            foreach (var message in messages.Values)
            {
                message.Dispose();
            }
        }
    }

    /// <summary>
    /// <c>SignedStatement ‖ version ‖ Ed25519(sender, statement)[64] ‖ payload</c>, where the statement is
    /// <see cref="Statement(string, SessionId, int, string, ReadOnlySpan{byte})"/> over SHA-256(payload).
    /// </summary>
    internal static byte[] SignedPayload(NodeIdentity sender, string protocol, SessionId session, int round, ReadOnlySpan<byte> payload)
    {
        var statement = Statement(protocol, session, round, sender.NodeId, SHA256.HashData(payload));
        var result = new byte[SignedHeaderLength + payload.Length];
        result[0] = CggmpPayload.SignedStatement;
        result[1] = CggmpPayload.Version;
        SignatureAlgorithm.Ed25519.Sign(sender.SigningKey, statement, result.AsSpan(2, SignatureLength));
        payload.CopyTo(result.AsSpan(SignedHeaderLength));
        return result;
    }

    /// <summary>
    /// The signed statement, with the Mpc length-prefix encoding:
    /// <c>LengthPrefixed(StatementLabel, protocol, hex(session), sender, hex(digest)) ‖ round:u32</c>.
    /// It names no recipient, so one statement is the same for every recipient and can be echoed.
    /// </summary>
    internal static byte[] Statement(string protocol, SessionId session, int round, string sender, ReadOnlySpan<byte> digest) =>
        LengthPrefixed.Concat([StatementLabel, protocol, session.ToString(), sender, Convert.ToHexStringLower(digest)], checked((uint)round));

    /// <summary>The echo of <paramref name="views"/> (every signer's statement but the echoer's own, participant order).</summary>
    internal static byte[] EncodeEcho(IEnumerable<KeyValuePair<ParticipantId, ReceivedStatement>> views)
    {
        var entries = views.OrderBy(kv => kv.Key).ToList();
        var result = new byte[4 + (entries.Count * EntryLength)];
        result[0] = CggmpPayload.StatementEcho;
        result[1] = CggmpPayload.Version;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(2), checked((ushort)entries.Count));
        var offset = 4;
        foreach (var (id, statement) in entries)
        {
            BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(offset), id.Value);
            statement.Digest.CopyTo(result, offset + 2);
            statement.Signature.CopyTo(result, offset + 2 + DigestLength);
            offset += EntryLength;
        }

        return result;
    }

    private async Task EchoAsync(List<string> others, Dictionary<ParticipantId, ReceivedStatement> views, CancellationToken cancellationToken)
    {
        var selfId = _participantOf(_messenger.NodeId);
        var byParticipant = _signers.ToDictionary(_participantOf, s => s);

        // Every statement but this node's own (the recipient's included, so it sees what was received as its),
        // the same echo for every recipient.
        var echo = EncodeEcho(views.Where(kv => kv.Key != selfId));
        await _messenger.SendToAllAsync(others, _echoRound, echo, cancellationToken).ConfigureAwait(false);

        var echoes = await _messenger.ReceiveRoundAsync(_echoRound, others, _timeout, cancellationToken).ConfigureAwait(false);
        try
        {
            var equivocators = new SortedSet<ParticipantId>();
            var forgers = new SortedSet<ParticipantId>();
            var malformed = new List<(ParticipantId Id, string Error)>();
            foreach (var (echoerNode, message) in echoes)
            {
                var echoer = _participantOf(echoerNode);
                List<(ParticipantId Signer, ReceivedStatement Statement)> entries;
                try
                {
                    entries = DecodeEcho(message.Payload.Span, echoer, byParticipant.Keys);
                }
                catch (FormatException e)
                {
                    malformed.Add((echoer, e.Message));
                    continue;
                }

                foreach (var (signer, statement) in entries)
                {
                    if (!Verifies(byParticipant[signer], statement))
                    {
                        forgers.Add(echoer); // only the echoer could have put it there: the envelope is its
                        continue;
                    }

                    // Two valid statements by one signer for this session and round: a proof that it equivocated.
                    if (!statement.Digest.AsSpan().SequenceEqual(views[signer].Digest))
                    {
                        equivocators.Add(signer);
                    }
                }
            }

            if (equivocators.Count > 0)
            {
                throw new ProtocolAbortException(AbortReason.Equivocation, [.. equivocators], $"signed two different round-{_round} statements (seen through the echo round)");
            }

            if (forgers.Count > 0)
            {
                throw new ProtocolAbortException(AbortReason.InvalidEchoedStatement, [.. forgers], $"echoed a round-{_round} statement whose signature does not verify");
            }

            if (malformed.Count > 0)
            {
                var ordered = malformed.OrderBy(m => m.Id).ToList();
                throw new ProtocolAbortException(AbortReason.MalformedMessage, [.. ordered.Select(m => m.Id)], string.Join("; ", ordered.Select(m => $"participant {m.Id}: {m.Error}")));
            }
        }
        finally
        {
            foreach (var message in echoes.Values)
            {
                message.Dispose();
            }
        }
    }

    /// <summary>
    /// The entries of an echo from <paramref name="echoer"/>: exactly one per signer but the echoer,
    /// in increasing participant order (this node's own statement included, checked like any other).
    /// </summary>
    private static List<(ParticipantId, ReceivedStatement)> DecodeEcho(ReadOnlySpan<byte> payload, ParticipantId echoer, IEnumerable<ParticipantId> signers)
    {
        if (payload.Length < 4 || payload[0] != CggmpPayload.StatementEcho || payload[1] != CggmpPayload.Version)
        {
            throw new FormatException("Expected a statement echo.");
        }

        var expected = signers.Where(s => s != echoer).Order().ToList();
        var count = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
        if (count != expected.Count || payload.Length != 4 + (count * EntryLength))
        {
            throw new FormatException($"An echo of {count} statements in {payload.Length} bytes; expected {expected.Count} statements.");
        }

        var entries = new List<(ParticipantId, ReceivedStatement)>(count);
        for (var i = 0; i < count; i++)
        {
            var entry = payload.Slice(4 + (i * EntryLength), EntryLength);
            var id = BinaryPrimitives.ReadUInt16BigEndian(entry);
            if (id != expected[i].Value)
            {
                throw new FormatException($"Echo entry {i} is for participant {id}, expected {expected[i]}.");
            }

            entries.Add((expected[i], new ReceivedStatement(entry.Slice(2, DigestLength).ToArray(), entry.Slice(2 + DigestLength, SignatureLength).ToArray())));
        }

        return entries;
    }

    /// <summary>Reads and verifies a signed round payload from <paramref name="sender"/>.</summary>
    private ReceivedStatement ReadStatement(ParticipantId sender, ReadOnlySpan<byte> payload)
    {
        if (payload.Length <= SignedHeaderLength || payload[0] != CggmpPayload.SignedStatement || payload[1] != CggmpPayload.Version)
        {
            throw new FormatException("Expected a signed statement and a payload.");
        }

        var statement = new ReceivedStatement(SHA256.HashData(payload[SignedHeaderLength..]), payload.Slice(2, SignatureLength).ToArray());
        var node = _signers.First(s => _participantOf(s) == sender);
        return Verifies(node, statement)
            ? statement
            : throw new FormatException($"The round-{_round} statement signature does not verify under the sender's identity key.");
    }

    private bool Verifies(string signerNode, ReceivedStatement statement)
    {
        if (!_messenger.Membership.TryGetMember(signerNode, out var member))
        {
            throw new InternalInvariantException($"Signer {signerNode} is not a listed member.");
        }

        var message = Statement(_protocol, _messenger.Session, _round, signerNode, statement.Digest);
        return SignatureAlgorithm.Ed25519.Verify(member.Identity.SigningKey, message, statement.Signature);
    }

    /// <summary>One signer's statement as seen by some node: the payload digest and the signer's signature over it.</summary>
    internal sealed record ReceivedStatement(byte[] Digest, byte[] Signature);
}
