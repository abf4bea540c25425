namespace Conclave.Kms.Crypto.Internal;

/// <summary>The kind of key material behind a key spec.</summary>
internal enum KeyFamily
{
    Symmetric,
    Hmac,
    Rsa,
    Ec,
    Ed25519,
}
