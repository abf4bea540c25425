using System.Buffers.Binary;
using System.Text;

namespace Conclave.Kms.Audit;

/// <summary>
/// A signed checkpoint of the audit log: the MPC cluster's threshold Ed25519 key (FROST, wallet
/// <see cref="WalletId"/>) signed that record <see cref="Sequence"/> of the chain hashes to
/// <see cref="Hash"/> (ARCHITECTURE: "periodic checkpoints signed by a threshold key, verifiable
/// offline"). Whoever can rewrite the database can recompute the whole hash chain, but cannot sign:
/// a rewritten record at or before a checkpoint no longer matches it, and a log cut short before a
/// checkpoint lacks the record it names. The signed statement is <see cref="Statement"/>.
/// </summary>
/// <param name="Sequence">The audit record the checkpoint covers (the log's head when it was taken).</param>
/// <param name="Hash">That record's chain hash (32 bytes).</param>
/// <param name="Time">When the checkpoint was taken (Unix milliseconds are signed).</param>
/// <param name="WalletId">The MPC wallet whose key signed it.</param>
/// <param name="PublicKey">The wallet's Ed25519 public key (32 bytes).</param>
/// <param name="Signature">The Ed25519 signature (64 bytes) over <see cref="Statement"/>.</param>
public sealed record AuditCheckpoint(long Sequence, byte[] Hash, DateTimeOffset Time, string WalletId, byte[] PublicKey, byte[] Signature)
{
    /// <summary>Bytes in an Ed25519 public key.</summary>
    public const int PublicKeyLength = 32;

    /// <summary>Bytes in an Ed25519 signature.</summary>
    public const int SignatureLength = 64;

    /// <summary>Longest wallet id (the bridge's limit).</summary>
    public const int MaxWalletIdLength = 128;

    private static ReadOnlySpan<byte> Label => "conclave/kms/audit-checkpoint/v1\0"u8;

    /// <summary>
    /// The bytes the cluster signs: <c>label ‖ sequence:i64 ‖ hash[32] ‖ time_ms:i64 ‖ len:u32 ‖ walletId ‖ publicKey[32]</c>
    /// (big-endian, the label NUL-terminated): every field has a fixed length or a length prefix, so no
    /// two checkpoints share a statement.
    /// </summary>
    public static byte[] Statement(long sequence, ReadOnlySpan<byte> hash, DateTimeOffset time, string walletId, ReadOnlySpan<byte> publicKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(walletId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequence);
        if (hash.Length != AuditChain.HashLength || publicKey.Length != PublicKeyLength)
        {
            throw new ArgumentException($"A checkpoint names a {AuditChain.HashLength}-byte hash and a {PublicKeyLength}-byte key.");
        }

        var wallet = Encoding.UTF8.GetBytes(walletId);
        var statement = new byte[Label.Length + 8 + AuditChain.HashLength + 8 + 4 + wallet.Length + PublicKeyLength];
        var w = statement.AsSpan();
        Label.CopyTo(w);
        w = w[Label.Length..];
        BinaryPrimitives.WriteInt64BigEndian(w, sequence);
        hash.CopyTo(w[8..]);
        w = w[(8 + AuditChain.HashLength)..];
        BinaryPrimitives.WriteInt64BigEndian(w, time.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32BigEndian(w[8..], wallet.Length);
        wallet.CopyTo(w[12..]);
        publicKey.CopyTo(w[(12 + wallet.Length)..]);
        return statement;
    }

    /// <summary>This checkpoint's <see cref="Statement"/>.</summary>
    public byte[] ToStatement() => Statement(Sequence, Hash, Time, WalletId, PublicKey);

    /// <summary>
    /// True when the fields have their lengths and <see cref="Signature"/> is a valid Ed25519
    /// signature by <see cref="PublicKey"/> over <see cref="Statement"/> (NSec/libsodium, which
    /// rejects non-canonical and small-order encodings).
    /// </summary>
    public bool HasValidSignature()
    {
        if (Sequence < 1 || Hash.Length != AuditChain.HashLength || PublicKey.Length != PublicKeyLength
            || Signature.Length != SignatureLength || string.IsNullOrEmpty(WalletId) || WalletId.Length > MaxWalletIdLength)
        {
            return false;
        }

        return NSec.Cryptography.PublicKey.TryImport(NSec.Cryptography.SignatureAlgorithm.Ed25519, PublicKey, NSec.Cryptography.KeyBlobFormat.RawPublicKey, out var key)
            && key is not null
            && NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(key, ToStatement(), Signature);
    }

    /// <inheritdoc />
    public override string ToString() => $"AuditCheckpoint(record {Sequence}, wallet {WalletId}, {Time:O})";
}
