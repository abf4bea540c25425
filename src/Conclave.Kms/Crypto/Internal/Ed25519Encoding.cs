namespace Conclave.Kms.Crypto.Internal;

/// <summary>
/// RFC 8410 encodings of Ed25519 keys (OID 1.3.101.112): the 48-byte PKCS#8 private key (a 32-byte
/// seed wrapped in an OCTET STRING) and the 44-byte SubjectPublicKeyInfo. Only these exact DER forms
/// are accepted; they are the ones AWS and this KMS produce.
/// </summary>
internal static class Ed25519Encoding
{
    public const int SeedLength = 32;
    public const int PublicKeyLength = 32;
    public const int Pkcs8Length = 48;
    public const int SpkiLength = 44;

    public static ReadOnlySpan<byte> Pkcs8Prefix =>
        [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

    public static ReadOnlySpan<byte> SpkiPrefix =>
        [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

    public static bool TryGetSeed(ReadOnlySpan<byte> pkcs8, out ReadOnlySpan<byte> seed)
    {
        seed = default;
        if (pkcs8.Length != Pkcs8Length || !pkcs8.StartsWith(Pkcs8Prefix))
        {
            return false;
        }

        seed = pkcs8[Pkcs8Prefix.Length..];
        return true;
    }

    public static bool TryGetPublicKey(ReadOnlySpan<byte> spki, out ReadOnlySpan<byte> publicKey)
    {
        publicKey = default;
        if (spki.Length != SpkiLength || !spki.StartsWith(SpkiPrefix))
        {
            return false;
        }

        publicKey = spki[SpkiPrefix.Length..];
        return true;
    }

    public static byte[] Spki(ReadOnlySpan<byte> publicKey)
    {
        var spki = new byte[SpkiLength];
        SpkiPrefix.CopyTo(spki);
        publicKey.CopyTo(spki.AsSpan(SpkiPrefix.Length));
        return spki;
    }
}
