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
    /// <see cref="PartialSign(Presignature, ReadOnlySpan{byte})"/> for a presignature that may exist
    /// in storage: its id is first recorded in <paramref name="ledger"/>, and if it was already there
    /// (the presignature was restored from a backup, or is a second copy) the presignature is wiped
    /// and <see cref="InvalidOperationException"/> is thrown without computing anything.
    /// </summary>
    public static PartialSignature PartialSign(Presignature presignature, ReadOnlySpan<byte> messageHash, IPresignatureLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(presignature);
        ArgumentNullException.ThrowIfNull(ledger);
        if (messageHash.Length != 32)
        {
            throw new ArgumentException("The message hash is 32 bytes.", nameof(messageHash));
        }

        if (!ledger.TryMarkUsed(presignature.PublicData.Id))
        {
            presignature.Dispose();
            throw new InvalidOperationException("This presignature was already used (its id is in the ledger); a presignature signs exactly once.");
        }

        return PartialSign(presignature, messageHash);
    }

    /// <summary>
    /// Sums the partial signatures of every signer of the presignature, normalizes to low s, and
    /// verifies the result with libsecp256k1 under the public key. If it does not verify, every
    /// partial signature is checked against the signer's presignature commitments
    /// (σ_j·Γ = m·Δ_j + r·S_j) and <see cref="ProtocolAbortException"/> names every signer whose
    /// check fails; an honest signer's partial signature always passes.
    /// </summary>
    public static EcdsaSignature Combine(PresignaturePublicData presignature, IReadOnlyCollection<PartialSignature> partials, ReadOnlySpan<byte> messageHash)
    {
        ArgumentNullException.ThrowIfNull(presignature);
        ArgumentNullException.ThrowIfNull(partials);
        if (messageHash.Length != 32)
        {
            throw new ArgumentException("The message hash is 32 bytes.", nameof(messageHash));
        }

        if (!partials.Select(p => p.Signer).Order().SequenceEqual(presignature.Signers))
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

        var r = presignature.R;
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
        if (!EcdsaSecp256k1.VerifyCompact(G.SerializeElement(presignature.PublicKey), messageHash, signature.ToCompact()))
        {
            throw Identify(presignature, partials, messageHash, rScalar);
        }

        return signature;
    }

    /// <summary>
    /// Names the signers whose σ_j fails σ_j·Γ = m·Δ_j + r·S_j. If every σ_j passes, Σσ_j·Γ =
    /// δ·(m·G + r·X) by the presignature's output checks, so the signature verifies: reaching here
    /// with no culprit is a broken invariant, not cheating.
    /// </summary>
    private static Exception Identify(PresignaturePublicData presignature, IReadOnlyCollection<PartialSignature> partials, ReadOnlySpan<byte> messageHash, byte[] r)
    {
        var m = G.NewScalar();
        G.ScalarReduce(messageHash, m);
        var culprits = new List<ParticipantId>();
        foreach (var p in partials.OrderBy(p => p.Signer))
        {
            var c = presignature.Commitments[p.Signer];
            var expected = G.Add(G.MultiplyPublic(c.Delta, m), G.MultiplyPublic(c.S, r));
            if (!G.MultiplyPublic(presignature.Gamma, p.Sigma).Equals(expected))
            {
                culprits.Add(p.Signer);
            }
        }

        return culprits.Count > 0
            ? new ProtocolAbortException(AbortReason.InvalidPartialSignature, culprits, "σ_j·Γ differs from m·Δ_j + r·S_j")
            : new InternalInvariantException("The combined signature does not verify although every partial signature is consistent.");
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
