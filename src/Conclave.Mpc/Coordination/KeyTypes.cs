namespace Conclave.Mpc.Coordination;

/// <summary>The bridge API's key types and the protocol behind each.</summary>
public static class KeyTypes
{
    /// <summary>Threshold ECDSA on secp256k1 by CGGMP21; 33-byte compressed public key; signs a 32-byte message hash.</summary>
    public const string Secp256k1 = "secp256k1";

    /// <summary>FROST(Ed25519, SHA-512) (RFC 9591); 32-byte public key; signs a message (Ed25519 verifiers accept it).</summary>
    public const string Ed25519 = "ed25519";

    /// <summary>Whether <paramref name="keyType"/> is one of the above.</summary>
    public static bool IsKnown(string? keyType) => keyType is Secp256k1 or Ed25519;
}
