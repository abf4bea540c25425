using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Crypto.Random;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;

namespace Conclave.Threshold.Frost.Signing;

/// <summary>FROST round one: commitment (RFC 9591 §5.1).</summary>
public static class Round1
{
    /// <summary>
    /// commit(sk_i): draws the hiding and binding nonces with nonce_generate (RFC 9591 §4.1,
    /// H3(random_bytes(32) || SerializeScalar(sk_i))) and returns them with their commitments.
    /// </summary>
    public static SigningNonces Commit(KeyPackage keyPackage, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(keyPackage);
        random ??= SystemRandomSource.Instance;
        var suite = keyPackage.Suite;
        var g = suite.Group;
        var nonces = SecretBytes.Create(64, (suite, keyPackage, random), static (span, st) =>
        {
            NonceGenerate(st.suite, st.keyPackage.SigningShare, st.random, span[..32]);
            NonceGenerate(st.suite, st.keyPackage.SigningShare, st.random, span[32..]);
        });
        try
        {
            var commitments = new SigningCommitments(keyPackage.Identifier, g.MultiplyBase(nonces.Span[..32]), g.MultiplyBase(nonces.Span[32..]));
            return new SigningNonces(nonces, commitments);
        }
        catch
        {
            nonces.Dispose();
            throw;
        }
    }

    /// <summary>nonce_generate(secret) (RFC 9591 §4.1).</summary>
    internal static void NonceGenerate(FrostCiphersuite suite, ReadOnlySpan<byte> secret, IRandomSource random, Span<byte> nonce)
    {
        Span<byte> input = stackalloc byte[64];
        try
        {
            random.Fill(input[..32]);
            secret.CopyTo(input[32..]);
            suite.H3(input, nonce);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }
}
