namespace Conclave.Kms.Keys;

/// <summary>
/// One version of a key's material, as stored: the material wrapped (AES-256-GCM) under the tenant's
/// key-encryption key, with associated data binding tenant, key id and version, so a row moved to
/// another key or version does not unwrap. Rotation adds a version; old versions stay to decrypt
/// old ciphertexts.
/// </summary>
/// <param name="Tenant">The owning account.</param>
/// <param name="KeyId">The key.</param>
/// <param name="Version">1 for the material the key was created with, +1 per rotation.</param>
/// <param name="CreatedAt">When the version was created.</param>
/// <param name="KekVersion">The tenant key-encryption-key version that wraps <paramref name="WrappedMaterial"/>.</param>
/// <param name="WrappedMaterial">The wrapped material (not secret).</param>
/// <param name="PublicKey">DER SubjectPublicKeyInfo, for asymmetric keys; null otherwise.</param>
/// <param name="RotationType">Null for the first version; <c>AUTOMATIC</c> or <c>ON_DEMAND</c> for rotations.</param>
public sealed record KeyVersionRecord(
    string Tenant,
    string KeyId,
    int Version,
    DateTimeOffset CreatedAt,
    int KekVersion,
    byte[] WrappedMaterial,
    byte[]? PublicKey,
    string? RotationType);
