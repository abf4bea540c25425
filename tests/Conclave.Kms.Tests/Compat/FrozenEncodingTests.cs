using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Kms.Api;
using Conclave.Kms.Audit;
using Conclave.Kms.Envelope;
using Conclave.Kms.Keys;

namespace Conclave.Kms.Tests.Compat;

/// <summary>
/// The length-prefixed encodings the KMS stores or authenticates, pinned to the bytes they had when
/// first frozen: key lanes key every stored row, the audit chain and request digests are stored
/// hashes, encryption contexts and key-material associated data are bound into ciphertexts. Any
/// change to these bytes orphans existing data, so these vectors must never be edited to make a
/// refactoring pass.
/// </summary>
public sealed class FrozenEncodingTests
{
    [Fact]
    public void Key_lane_bytes_are_frozen()
    {
        Assert.Equal("4436ef13fd0917ad18fc57aad6f2bc12fd1f376da4fd4e4971dd612619f5b327", Convert.ToHexStringLower(KeyLane.Compute("111122223333", "1234abcd-12ab-34cd-56ef-1234567890ab")));
        Assert.Equal("d5e029122b07e23ff956a08dc2c12d39545ad06b4c273954a5506ebf2e775c2e", Convert.ToHexStringLower(KeyLane.Compute("", "")));
        Assert.Equal("8c675f71849b94eb118c65f74f38f599506a2432c6803a4a2c11ee616cc386b4", Convert.ToHexStringLower(KeyLane.Compute("tenänt", "κλειδί")));
    }

    [Fact]
    public void Key_lane_separates_tenant_from_key_id()
    {
        Assert.NotEqual(KeyLane.Compute("ab", "c"), KeyLane.Compute("a", "bc"));
    }

    [Fact]
    public void Audit_chain_hash_is_frozen()
    {
        var entry = new AuditEntry(
            DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123),
            "arn:aws:iam::111122223333:user/alice",
            "111122223333",
            "Encrypt",
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            3,
            "req-1",
            AuditEntry.Success,
            SHA256.HashData("request"u8));
        var previous = Enumerable.Range(0, AuditChain.HashLength).Select(i => (byte)i).ToArray();
        Assert.Equal("a86f09b7717e6e436f27c878dbfb9b6fa2d00c0cf27063301f1d290a251ce505", Convert.ToHexStringLower(AuditChain.ComputeHash(42, previous, entry)));

        // Absent key id and version (the -1 markers), empty strings, empty digest.
        var system = new AuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(0), "conclave:system", "", "conclave:Sweep", null, null, "", "Failed", []);
        Assert.Equal("53a30fe76e065f3fecfa977f5f567b4cd3142d1e2a188613c53024782a5228b6", Convert.ToHexStringLower(AuditChain.ComputeHash(1, AuditChain.GenesisHash(), system)));
    }

    [Fact]
    public void Encryption_context_bytes_are_frozen()
    {
        Assert.Equal("00000000", Convert.ToHexStringLower(EncryptionContext.Encode(null)));
        Assert.Equal("00000000", Convert.ToHexStringLower(EncryptionContext.Encode(new Dictionary<string, string>())));
        var context = new Dictionary<string, string> { ["purpose"] = "test", ["Department"] = "€", ["empty"] = "" };
        Assert.Equal("000000030000000a4465706172746d656e7400000003e282ac00000005656d7074790000000000000007707572706f73650000000474657374", Convert.ToHexStringLower(EncryptionContext.Encode(context)));
    }

    [Fact]
    public void Request_digest_is_frozen()
    {
        Assert.Equal("2c80684a07bcac29bde8a3124cc2867a547a50b3256d6dad42876cd537096812", Convert.ToHexStringLower(RequestDigest.Compute("""{"KeyId":"alias/a","Plaintext":"c2VjcmV0","N":[1,true,null,{"x":"y"}]}"""u8)));
        Assert.Equal("7ccfa1fbf3940e6f0c0375d87c0f9235a50514e14cb427bdfaf5077987b26ccf", Convert.ToHexStringLower(RequestDigest.Compute("not json"u8)));
    }

    [Fact]
    public void Key_material_wrapped_under_the_frozen_associated_data_still_unwraps()
    {
        // Wrapped once (random nonce) when frozen; it unwraps only under the same associated data bytes.
        var wrapped = Convert.FromHexString("01d366a1dac8656958eab43bdd5f057a22f2240adf4a1dfbf778336776a7c6431698cf541322feaeb8");
        using var kek = SecretBytes.Copy(Enumerable.Range(0, 32).Select(i => (byte)(0xA0 + i)).ToArray());
        using var material = KeyMaterialCipher.Unwrap(kek, 2, "111122223333", "1234abcd-12ab-34cd-56ef-1234567890ab", 5, wrapped);
        Assert.Equal("key material"u8.ToArray(), material.Span.ToArray());
        Assert.Throws<CryptographicException>(() => KeyMaterialCipher.Unwrap(kek, 2, "111122223333", "1234abcd-12ab-34cd-56ef-1234567890ab", 6, wrapped).Dispose());
        Assert.Throws<CryptographicException>(() => KeyMaterialCipher.Unwrap(kek, 2, "11112222333", "31234abcd-12ab-34cd-56ef-1234567890ab", 5, wrapped).Dispose());
    }
}
