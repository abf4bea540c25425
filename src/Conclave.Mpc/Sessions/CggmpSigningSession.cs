using Conclave.Crypto.Signatures;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One signer's part in a CGGMP21 signing session over sealed envelopes, without a coordinator
/// (docs/design/cggmp-sessions.md): a fresh presignature is made by the signers
/// (<see cref="CggmpPresignSession"/>, messenger rounds 1–3), this signer
/// computes its partial signature through the <see cref="IPresignatureLedger"/>
/// (<see cref="CggmpSigning.PartialSign(Presignature, ReadOnlySpan{byte}, IPresignatureLedger)"/>,
/// which consumes the presignature) and sends it to every other signer in round 4, and every signer
/// combines and verifies the signature itself. A signer whose presigning output check failed sends
/// a request to identify in round 4 instead, and every signer then runs presigning's identification
/// round (round 5), which aborts naming the culprits. Round 4 is an echo broadcast of signed
/// statements (<see cref="EchoBroadcast"/>, echo in round 6 with three or more signers), so every
/// signer acts on the same round-4 messages and an equivocating signer is named.
/// </summary>
/// <remarks>
/// Participant ids are the key's (<see cref="CggmpKeygenResult.ParticipantIdOf"/>), not positions
/// among the signers. Every signer must be given the same signer set and message hash.
/// </remarks>
public sealed class CggmpSigningSession
{
    internal const int PresignRound1 = CggmpPresignSession.Round1;
    internal const int PresignRound2 = CggmpPresignSession.Round2;
    internal const int PresignRound3 = CggmpPresignSession.Round3;
    internal const int PartialSignatureRound = CggmpPresignSession.StatusRound;
    internal const int IdentificationRound = CggmpPresignSession.IdentificationRound;
    internal const int StatusEchoRound = CggmpPresignSession.StatusEchoRound;

    private readonly SessionMessenger _messenger;
    private readonly CggmpKeygenResult _key;
    private readonly List<string> _signers;
    private readonly byte[] _messageHash;
    private readonly IPresignatureLedger _ledger;
    private readonly TimeSpan _roundTimeout;

    /// <summary>Prepares the session; nothing is sent until <see cref="RunAsync"/>.</summary>
    /// <param name="messenger">This node's messenger for the session.</param>
    /// <param name="key">This node's key (not owned; not disposed here).</param>
    /// <param name="signers">The signing nodes, this node included: at least t of the key's participants.</param>
    /// <param name="messageHash">The 32-byte message digest to sign.</param>
    /// <param name="ledger">The single-use record of presignatures.</param>
    /// <param name="roundTimeout">How long each round waits for the other signers.</param>
    public CggmpSigningSession(SessionMessenger messenger, CggmpKeygenResult key, IEnumerable<string> signers, ReadOnlySpan<byte> messageHash, IPresignatureLedger ledger, TimeSpan roundTimeout)
    {
        ArgumentNullException.ThrowIfNull(messenger);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(roundTimeout, TimeSpan.Zero);
        if (messageHash.Length != 32)
        {
            throw new ArgumentException("The message hash is 32 bytes.", nameof(messageHash));
        }

        _signers = CggmpPresignSession.CheckedSigners(key, signers, messenger.NodeId);
        _messenger = messenger;
        _key = key;
        _messageHash = messageHash.ToArray();
        _ledger = ledger;
        _roundTimeout = roundTimeout;
    }

    /// <summary>Runs presigning and signing to completion and returns the verified signature.</summary>
    /// <exception cref="ProtocolAbortException">A signer misbehaved; the culprits are named.</exception>
    /// <exception cref="SessionTimeoutException">A signer did not deliver a round in time.</exception>
    /// <exception cref="InvalidOperationException">The ledger refused the presignature (already used).</exception>
    public async Task<EcdsaSignature> RunAsync(CancellationToken cancellationToken = default)
    {
        var presign = new CggmpPresignSession(_messenger, _key, _signers, _roundTimeout);
        using var run = await presign.RunRoundsAsync(cancellationToken).ConfigureAwait(false);

        // Round 4 carries σ_i, or the status of a signer whose output check failed (δ·G = ΣΔ_j, or
        // δ·X = ΣS_j); any such status sends every signer into the identification round. It is an
        // echo broadcast, so every signer acts on the same round-4 messages.
        PartialSignature? own = null;
        var publicData = run.Presignature?.PublicData;
        if (run.Presignature is { } presignature)
        {
            own = CggmpSigning.PartialSign(presignature, _messageHash, _ledger);
        }

        var received = await ExchangePartialsOrStatusAsync(own, run.Party.FailedCheck, cancellationToken).ConfigureAwait(false);

        // The χ round signs the request's own digest: a σ_i already sent is repeated, never a second one.
        await presign.IdentifyIfAnyFailedAsync(run, received.Select(p => p.Status), _messageHash, cancellationToken).ConfigureAwait(false);

        var signature = CggmpSigning.Combine(publicData!, [.. received.Select(p => p.Partial!), own!], _messageHash);
        if (!EcdsaSecp256k1.VerifyCompact(_key.SerializePublicKey(), _messageHash, signature.ToCompact()))
        {
            throw new InternalInvariantException("The combined signature does not verify under the group key.");
        }

        return signature;
    }

    /// <summary>
    /// Round 4 as an echo broadcast (<see cref="EchoBroadcast"/>): sends <paramref name="own"/>, or the
    /// failed check <paramref name="failed"/> when it is null, and returns every other signer's, in
    /// participant order (a partial signature, or the failed check of a request to identify), once
    /// every signer's echo agrees.
    /// </summary>
    private async Task<List<(PartialSignature? Partial, PresignOutputCheck Status)>> ExchangePartialsOrStatusAsync(PartialSignature? own, PresignOutputCheck failed, CancellationToken cancellationToken)
    {
        var payload = own is null ? CggmpPayload.EncodePresignStatus(failed) : CggmpPayload.Encode(own);
        var broadcast = new EchoBroadcast(_messenger, EchoBroadcast.SignStatusProtocol, PartialSignatureRound, StatusEchoRound, _signers, _key.ParticipantIdOf, _roundTimeout);
        var parsed = await broadcast.RunAsync(payload, static (id, payload) => payload.IsEmpty ? throw new FormatException("The message is empty.")
            : payload[0] == CggmpPayload.PartialSignature ? ((PartialSignature?)CggmpPayload.DecodePartialSignature(payload[1..], id), PresignOutputCheck.None)
            : payload[0] == CggmpPayload.PresignStatus && CggmpPayload.DecodePresignStatusCheck(payload[1..]) is not PresignOutputCheck.None and var check ? ((PartialSignature?)null, check)
            : throw new FormatException("Expected a partial signature or a request to identify."), cancellationToken).ConfigureAwait(false);
        return [.. parsed.OrderBy(kv => kv.Key).Select(kv => kv.Value)];
    }
}
