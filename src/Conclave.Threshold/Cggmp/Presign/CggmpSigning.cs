using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Signatures;

namespace Conclave.Threshold.Cggmp.Presign;

/// <summary>A signer's partial signature σ_i (public once sent).</summary>
public sealed record PartialSignature(ParticipantId Signer, byte[] Sigma);

/// <summary>An ECDSA signature: r || s (low s), with the recovery id v (0 or 1, Ethereum's parity bit).</summary>
public sealed record EcdsaSignature(byte[] R, byte[] S, int RecoveryId)
{
    /// <summary>The 64-byte compact encoding r || s.</summary>
    public byte[] ToCompact() => [.. R, .. S];
}

/// <summary>
/// CGGMP21 signing from a presignature (the spec's "Local signing" and "Combining"): σ_i =
/// k_i·m + r·χ_i with r = x(R) mod q; σ = Σσ_j; the signature is normalized to low s, verified
/// with libsecp256k1 under the public key before it is returned, and given its recovery id.
/// </summary>
public static class CggmpSigning
{
    private static readonly Secp256k1Group G = Secp256k1Group.Instance;

    /// <summary>
    /// Computes this signer's partial signature on a 32-byte message digest. The presignature is
    /// consumed (its secrets wiped) before the partial signature is returned, whatever happens next.
    /// </summary>
    public static PartialSignature PartialSign(Presignature presignature, ReadOnlySpan<byte> messageHash)
    {
        ArgumentNullException.ThrowIfNull(presignature);
        if (messageHash.Length != 32)
        {
            throw new ArgumentException("The message hash is 32 bytes.", nameof(messageHash));
        }

        using var secrets = presignature.Consume();
        Span<byte> m = stackalloc byte[32];
        Span<byte> r = stackalloc byte[32];
        Span<byte> t = stackalloc byte[32];
        var sigma = new byte[32];
        try
        {
            G.ScalarReduce(messageHash, m);
            XCoordinateScalar(presignature.R, r);
            G.ScalarMultiply(secrets.Span[..32], m, sigma);   // k_i · m
            G.ScalarMultiply(r, secrets.Span[32..], t);       // r · χ_i
            G.ScalarAdd(sigma, t, sigma);
            return new PartialSignature(presignature.Self, sigma);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(t);
        }
    }

    /// <summary>
    /// Sums the partial signatures of every signer of the presignature set, normalizes to low s,
    /// and verifies the result with libsecp256k1; throws <see cref="ProtocolAbortException"/> if
    /// it does not verify.
    /// </summary>
    public static EcdsaSignature Combine(Element publicKey, Element r, IReadOnlyCollection<ParticipantId> signers, IReadOnlyCollection<PartialSignature> partials, ReadOnlySpan<byte> messageHash)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(signers);
        ArgumentNullException.ThrowIfNull(partials);
        if (messageHash.Length != 32)
        {
            throw new ArgumentException("The message hash is 32 bytes.", nameof(messageHash));
        }

        var expected = signers.Order().ToList();
        if (!partials.Select(p => p.Signer).Order().SequenceEqual(expected))
        {
            throw new ArgumentException("There must be exactly one partial signature per signer of the presignature.", nameof(partials));
        }

        var malformed = partials.Where(p => p.Sigma.Length != 32 || !G.IsCanonicalScalar(p.Sigma)).Select(p => p.Signer).Order().ToList();
        if (malformed.Count > 0)
        {
            throw new ProtocolAbortException(AbortReason.MalformedMessage, malformed, "a partial signature is not a canonical scalar");
        }

        var s = G.NewScalar();
        foreach (var p in partials)
        {
            G.ScalarAdd(s, p.Sigma, s);
        }

        var rScalar = G.NewScalar();
        XCoordinateScalar(r, rScalar);

        // Low s (BIP-62 / EIP-2): s > n/2 becomes n - s, which flips the recovery parity.
        var parity = Secp256k1Group.HasEvenY(r) ? 0 : 1;
        var negated = G.NewScalar();
        G.ScalarNegate(s, negated);
        if (negated.AsSpan().SequenceCompareTo(s) < 0)
        {
            s = negated;
            parity ^= 1;
        }

        // Overflow bit: x(R) ≥ n happens with probability about 2^-128.
        var x = Secp256k1Group.XOnly(r);
        var recoveryId = parity | (x.AsSpan().SequenceCompareTo(rScalar) != 0 ? 2 : 0);
        var signature = new EcdsaSignature(rScalar, s, recoveryId);
        if (!EcdsaSecp256k1.VerifyCompact(G.SerializeElement(publicKey), messageHash, signature.ToCompact()))
        {
            // Identifying the signer needs the paper's per-signer check, not implemented yet.
            throw new ProtocolAbortException(AbortReason.InvalidPartialSignature, [], "the combined signature does not verify");
        }

        return signature;
    }

    private static void XCoordinateScalar(Element r, Span<byte> destination)
    {
        G.ScalarReduce(Secp256k1Group.XOnly(r), destination);
        if (PrimeOrderGroup.IsZero(destination))
        {
            throw new CryptographicException("x(R) ≡ 0 mod n: the presignature cannot sign.");
        }
    }
}
