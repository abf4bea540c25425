using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Random;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Keys;

/// <summary>
/// Trusted-dealer key generation (RFC 9591 Appendix C): for key ceremonies and tests. The dealer
/// sees the whole secret; production wallets use <see cref="Dkg.FrostDkg"/> instead.
/// </summary>
public static class TrustedDealer
{
    /// <summary>The largest committee supported.</summary>
    public const int MaxParticipants = 255;

    /// <summary>trusted_dealer_keygen with a fresh random secret.</summary>
    public static DealerOutput Generate(FrostCiphersuite suite, int minSigners, int maxSigners, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(suite);
        random ??= SystemRandomSource.Instance;
        Span<byte> secret = stackalloc byte[32];
        try
        {
            suite.Group.RandomScalar(random, secret);
            return Split(suite, secret, minSigners, maxSigners, random);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// Splits <paramref name="secret"/> into shares for participants 1..maxSigners
    /// (secret_share_shard, vss_commit and derive_group_info of RFC 9591 Appendix C).
    /// <paramref name="coefficients"/> fixes a_1..a_(t-1) for test vectors; otherwise they are random.
    /// </summary>
    public static DealerOutput Split(FrostCiphersuite suite, ReadOnlySpan<byte> secret, int minSigners, int maxSigners, IRandomSource random, IReadOnlyList<byte[]>? coefficients = null)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(random);
        CheckParameters(minSigners, maxSigners);
        var g = suite.Group;
        g.ValidateScalar(secret);
        if (PrimeOrderGroup.IsZero(secret))
        {
            throw new ArgumentException("The secret must not be zero.", nameof(secret));
        }

        if (coefficients is not null && coefficients.Count != minSigners - 1)
        {
            throw new ArgumentException($"Exactly {minSigners - 1} coefficients are needed.", nameof(coefficients));
        }

        using var poly = Polynomial.Create(g, secret, minSigners, random, coefficients);
        var commitment = poly.Commit();
        var packages = new List<KeyPackage>(maxSigners);
        var shares = new Dictionary<ParticipantId, Element>(maxSigners);
        Span<byte> share = stackalloc byte[32];
        try
        {
            for (var i = 1; i <= maxSigners; i++)
            {
                var id = new ParticipantId((ushort)i);
                poly.Evaluate(id, share);
                var verifyingShare = g.MultiplyBase(share);
                packages.Add(new KeyPackage(suite, id, share, verifyingShare, commitment.ConstantTerm, minSigners));
                shares[id] = verifyingShare;
            }
        }
        catch
        {
            packages.ForEach(p => p.Dispose());
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(share);
        }

        return new DealerOutput(packages, new PublicKeyPackage(suite, commitment.ConstantTerm, shares, minSigners), commitment);
    }

    internal static void CheckParameters(int minSigners, int maxSigners)
    {
        if (minSigners < 2 || maxSigners < minSigners || maxSigners > MaxParticipants)
        {
            throw new ArgumentOutOfRangeException(nameof(minSigners), $"Need 2 <= threshold <= participants <= {MaxParticipants} (got {minSigners}-of-{maxSigners}).");
        }
    }
}
