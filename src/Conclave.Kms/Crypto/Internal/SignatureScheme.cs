namespace Conclave.Kms.Crypto.Internal;

/// <summary>The signature scheme behind an AWS signing algorithm.</summary>
internal enum SignatureScheme
{
    RsaPss,
    RsaPkcs1,
    Ecdsa,
    Ed25519,
    Ed25519Ph,
}
