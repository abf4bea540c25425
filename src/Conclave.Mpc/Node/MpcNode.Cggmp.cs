using System.Buffers.Binary;
using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Signatures;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Sessions;
using Conclave.Mpc.Storage;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Mpc.Node;

/// <summary>
/// secp256k1 wallets: CGGMP21 keygen with auxiliary info; signing with a presignature made for
/// the request's own hash inside the same session; presigning ahead (stored, encrypted); and
/// one-round signing from a stored presignature, only over a digest this node computes from the
/// request's message (CVE-2025-66017: a pooled presignature is never paired with a caller's hash).
/// Stored key form: <c>"CWCG" | 0x01 | len u32 | CGKS share | CGAX aux info</c>.
/// </summary>
public sealed partial class MpcNode
{
    private const byte CggmpBlobVersion = 1;

    private static ReadOnlySpan<byte> CggmpBlobMagic => "CWCG"u8;

    private async Task<(string PublicKey, byte[] Share)> RunCggmpKeygenAsync(SessionRequest request, SessionMessenger messenger, CancellationToken cancellationToken)
    {
        var keygen = new CggmpKeygenSession(messenger, request.Parties, request.Threshold, _options.PaillierKeySource, _options.KeygenRoundTimeout);
        using var result = await keygen.RunAsync(cancellationToken).ConfigureAwait(false);
        return (Convert.ToHexStringLower(result.SerializePublicKey()), EncodeCggmpKey(result.Share, result.AuxInfo));
    }

    private async Task<SessionOutcome> RunCggmpSignAsync(SessionRequest request, WalletInfo wallet, CommittedShare share, SessionMessenger messenger, CancellationToken cancellationToken)
    {
        using var key = DecodeCggmpKey(share.Share.Span, wallet.Parties);
        var publicKey = key.SerializePublicKey();
        CheckStoredPublicKey(wallet, publicKey);
        var hash = SignedDigest(request);
        var signing = new CggmpSigningSession(messenger, key, request.Parties, hash, _ledger, _options.RoundTimeout);
        var signature = await signing.RunAsync(cancellationToken).ConfigureAwait(false);
        return CheckedOutcome(wallet, publicKey, hash, signature);
    }

    /// <summary>
    /// Presigning only: rounds 1–3 and the status round with the request's signers (and presigning's
    /// identification round if a signer's output check failed), and the result stored encrypted
    /// under its id H(sid, signers, R), which every signer reports back (public).
    /// </summary>
    private async Task<SessionOutcome> RunCggmpPresignAsync(SessionRequest request, WalletInfo wallet, CommittedShare share, SessionMessenger messenger, CancellationToken cancellationToken)
    {
        byte[] id;
        byte[]? encoded = null;
        using (var key = DecodeCggmpKey(share.Share.Span, wallet.Parties))
        {
            CheckStoredPublicKey(wallet, key.SerializePublicKey());
            using var presignature = await new CggmpPresignSession(messenger, key, request.Parties, _options.RoundTimeout).RunAsync(cancellationToken).ConfigureAwait(false);
            id = presignature.PublicData.Id;
            try
            {
                encoded = presignature.Serialize();
                await _store.PutPresignatureAsync(wallet.WalletId, id, encoded, _options.MaxStoredPresignaturesPerWallet, cancellationToken).ConfigureAwait(false);
                await DropIfRefreshedAsync(wallet, id, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (encoded is not null)
                {
                    CryptographicOperations.ZeroMemory(encoded);
                }
            }
        }

        return new SessionOutcome(NodeId, wallet.PublicKey, null, null, Convert.ToHexStringLower(id));
    }

    /// <summary>
    /// One round from a stored presignature: take it out of the store (deleted there), check it is
    /// this wallet's and exactly this signer set's, hash the message here (never a caller's hash:
    /// CVE-2025-66017), and sign through the ledger, which records the id durably first.
    /// </summary>
    private async Task<SessionOutcome> RunPresignedSignAsync(SessionRequest request, WalletInfo wallet, SessionMessenger messenger, CancellationToken cancellationToken)
    {
        if (request.Hash is null || request.PresignatureId is null || request.KeyType != KeyTypes.Secp256k1)
        {
            throw MpcRequestException.Invalid("A stored presignature signs only a secp256k1 message the nodes hash themselves.");
        }

        Presignature presignature;
        using (var stored = await _store.TakePresignatureAsync(wallet.WalletId, Convert.FromHexString(request.PresignatureId), cancellationToken).ConfigureAwait(false)
            ?? throw MpcRequestException.Invalid($"Node {NodeId} holds no presignature {request.PresignatureId} of wallet {wallet.WalletId}."))
        {
            presignature = Presignature.Parse(stored.Span);
        }

        var publicKey = Secp256k1Group.Instance.SerializeElement(presignature.PublicKey);
        if (!string.Equals(Convert.ToHexStringLower(publicKey), wallet.PublicKey, StringComparison.Ordinal)
            || !string.Equals(Convert.ToHexStringLower(presignature.PublicData.Id), request.PresignatureId, StringComparison.Ordinal))
        {
            presignature.Dispose();
            throw new MpcRequestException(MpcErrorCode.Internal, $"Node {NodeId}: the stored presignature does not belong to wallet {wallet.WalletId} under this id.");
        }

        var hash = SignedDigest(request);
        CggmpPresignedSigningSession signing;
        try
        {
            signing = new CggmpPresignedSigningSession(messenger, wallet.Parties, request.Parties, presignature, hash, _ledger, _options.RoundTimeout);
        }
        catch (ArgumentException)
        {
            presignature.Dispose();
            throw MpcRequestException.Invalid($"The request's signers are not the signer set presignature {request.PresignatureId} was made for.");
        }

        var signature = await signing.RunAsync(cancellationToken).ConfigureAwait(false);
        return CheckedOutcome(wallet, publicKey, hash, signature);
    }

    /// <summary>The 32-byte digest a secp256k1 request signs: its message hashed here, or (the fresh path only) the given hash.</summary>
    private static byte[] SignedDigest(SessionRequest request) => request.Hash switch
    {
        null => request.MessageBytes,
        SessionRequest.Sha256Hash => SHA256.HashData(request.MessageBytes),
        _ => throw MpcRequestException.Invalid("Unsupported hash."),
    };

    private SessionOutcome CheckedOutcome(WalletInfo wallet, byte[] publicKey, byte[] hash, EcdsaSignature signature)
    {
        var compact = signature.ToCompact();

        // CggmpSigning.Combine verified it; check once more here, with the recovery id, before it leaves the node.
        if (!EcdsaSecp256k1.VerifyCompact(publicKey, hash, compact)
            || EcdsaSecp256k1.Recover(hash, compact, signature.RecoveryId) is not { } recovered || !recovered.AsSpan().SequenceEqual(publicKey))
        {
            throw new MpcRequestException(MpcErrorCode.Internal, $"Node {NodeId}: the combined signature does not verify under wallet {wallet.WalletId}'s key.");
        }

        return new SessionOutcome(NodeId, wallet.PublicKey, Convert.ToHexStringLower(compact), signature.RecoveryId);
    }

    internal static byte[] EncodeCggmpKey(CggmpCoreKeyShare share, CggmpAuxInfo auxInfo)
    {
        var shareLength = share.SerializedLength;
        var blob = GC.AllocateArray<byte>(4 + 1 + 4 + shareLength + auxInfo.SerializedLength, pinned: true);
        CggmpBlobMagic.CopyTo(blob);
        blob[4] = CggmpBlobVersion;
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(5), (uint)shareLength);
        share.Serialize(blob.AsSpan(9, shareLength));
        auxInfo.Serialize(blob.AsSpan(9 + shareLength));
        return blob;
    }

    internal static CggmpKeygenResult DecodeCggmpKey(ReadOnlySpan<byte> blob, IReadOnlyList<string> parties)
    {
        if (blob.Length < 9 || !blob[..4].SequenceEqual(CggmpBlobMagic) || blob[4] != CggmpBlobVersion)
        {
            throw new CryptographicException("The stored secp256k1 key is not a version 1 CGGMP21 key record.");
        }

        var shareLength = BinaryPrimitives.ReadUInt32BigEndian(blob[5..]);
        if (shareLength > (uint)(blob.Length - 9))
        {
            throw new CryptographicException("The stored secp256k1 key record is truncated.");
        }

        var share = CggmpCoreKeyShare.Parse(blob.Slice(9, (int)shareLength));
        CggmpAuxInfo? auxInfo = null;
        try
        {
            auxInfo = CggmpAuxInfo.Parse(blob[(9 + (int)shareLength)..]);
            return CggmpKeygenResult.FromStored(share, auxInfo, parties);
        }
        catch
        {
            share.Dispose();
            auxInfo?.Dispose();
            throw;
        }
    }
}
