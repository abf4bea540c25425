using System.Buffers.Binary;
using System.Security.Cryptography;
using Conclave.Crypto.Signatures;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Sessions;
using Conclave.Mpc.Storage;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;

namespace Conclave.Mpc.Node;

/// <summary>
/// secp256k1 wallets: CGGMP21 keygen with auxiliary info, and signing with a presignature made for
/// the request's own hash inside the same session (CVE-2025-66017: a presignature is never paired
/// with a hash chosen after it exists). Stored form: <c>"CWCG" | 0x01 | len u32 | CGKS share | CGAX aux info</c>.
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
        var hash = request.MessageBytes;
        var signing = new CggmpSigningSession(messenger, key, request.Parties, hash, _ledger, _options.RoundTimeout);
        var signature = await signing.RunAsync(cancellationToken).ConfigureAwait(false);
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
