using System.Security.Cryptography;
using Conclave.Crypto.Random;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys.Dkg;

namespace Conclave.Threshold.Frost.Keys.Refresh;

/// <summary>
/// Proactive share refresh among the same n holders with the same threshold t (Herzberg, Jarecki,
/// Krawczyk and Yung, "Proactive Secret Sharing", CRYPTO 1995, §3.2 "share renewal"; the steps of
/// ZcashFoundation frost's <c>keys::refresh</c> with DKG). Every participant i deals a random
/// polynomial δ_i of degree t−1 with δ_i(0) = 0, broadcasts its Feldman commitment (part1), sends
/// δ_i(l) to each l over a confidential channel (part2), and each l checks every received share
/// against its dealer's commitment and sets s'_l = s_l + Σ_i δ_i(l) (part3). The group key is
/// unchanged; the verifying shares become Y'_k = Y_k + Σ_i δ_i(k)*G. Old and new shares do not
/// combine: an adversary must corrupt t holders within one period. As for the DKG, round one
/// needs a reliable broadcast (the caller's echo round) and round two encrypted channels.
/// </summary>
public static class FrostRefresh
{
    /// <summary>
    /// part1: draws δ_i with δ_i(0) = 0 and commits to it (HJKY95 §3.2 step 1). Broadcast the
    /// <see cref="RefreshPackage"/>; keep the secret package.
    /// </summary>
    public static (RefreshSecretPackage Secret, RefreshPackage Package) Part1(
        FrostCiphersuite suite, ParticipantId identifier, int maxSigners, int minSigners, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(suite);
        TrustedDealer.CheckParameters(minSigners, maxSigners);
        if (identifier.Value < 1 || identifier.Value > maxSigners)
        {
            throw new ArgumentOutOfRangeException(nameof(identifier), $"Participant identifiers are 1..{maxSigners}.");
        }

        random ??= SystemRandomSource.Instance;
        Span<byte> zero = stackalloc byte[32];
        zero.Clear();
        var polynomial = Polynomial.Create(suite.Group, zero[..suite.Group.ScalarLength], minSigners, random);
        try
        {
            var commitment = polynomial.Commit();
            return (new RefreshSecretPackage(suite, identifier, polynomial, commitment, minSigners, maxSigners), new RefreshPackage(commitment));
        }
        catch
        {
            polynomial.Dispose();
            throw;
        }
    }

    /// <summary>
    /// part2: checks every other participant's commitment (t coefficients, constant term the
    /// identity: HJKY95 §3.2 step 2, a dealer sharing anything but zero would change the key) and
    /// computes the share δ_i(l) for each of them. The secret package stays with the caller for
    /// part3. Aborts naming every participant whose commitment is malformed.
    /// </summary>
    public static IReadOnlyDictionary<ParticipantId, Round2Package> Part2(RefreshSecretPackage secret, IReadOnlyDictionary<ParticipantId, RefreshPackage> packages)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(packages);
        CheckPeers(secret, packages.Keys);
        CheckCommitments(secret, packages);
        var shares = new Dictionary<ParticipantId, Round2Package>(packages.Count);
        Span<byte> share = stackalloc byte[32];
        try
        {
            foreach (var l in packages.Keys.Order())
            {
                secret.Polynomial.Evaluate(l, share);
                shares[l] = new Round2Package(secret.Suite, secret.Identifier, l, share[..secret.Suite.Group.ScalarLength]);
            }

            return shares;
        }
        catch
        {
            foreach (var s in shares.Values)
            {
                s.Dispose();
            }

            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(share);
        }
    }

    /// <summary>
    /// part3: checks each received share against its dealer's commitment (HJKY95 §3.2 step 3:
    /// δ_i(l)*G == Σ_k φ_ik l^k; a mismatch names the dealer), then returns the refreshed key:
    /// s'_l = s_l + δ_l(l) + Σ_i δ_i(l), the same group key, and Y'_k = Y_k + Σ_i δ_i(k)*G for every k.
    /// Consumes (disposes) <paramref name="secret"/>; the old packages stay owned by the caller,
    /// who deletes the old share once the new one is stored.
    /// </summary>
    public static (KeyPackage KeyPackage, PublicKeyPackage PublicKeyPackage) Part3(
        RefreshSecretPackage secret,
        IReadOnlyDictionary<ParticipantId, RefreshPackage> packages,
        IReadOnlyDictionary<ParticipantId, Round2Package> shares,
        KeyPackage oldKeyPackage,
        PublicKeyPackage oldPublicKeyPackage)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(packages);
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(oldKeyPackage);
        ArgumentNullException.ThrowIfNull(oldPublicKeyPackage);
        using (secret)
        {
            var suite = secret.Suite;
            var g = suite.Group;
            CheckPeers(secret, packages.Keys);
            CheckOldKey(secret, packages.Keys, oldKeyPackage, oldPublicKeyPackage);
            CheckCommitments(secret, packages);
            var mismatched = packages.Keys.Except(shares.Keys).Concat(shares.Keys.Except(packages.Keys))
                .Concat(shares.Where(kv => kv.Value.Sender != kv.Key || kv.Value.Recipient != secret.Identifier || !ReferenceEquals(kv.Value.Suite, suite)).Select(kv => kv.Key))
                .Distinct().Order().ToList();
            if (mismatched.Count > 0)
            {
                throw new ProtocolAbortException(AbortReason.UnexpectedParticipant, mismatched, "round-one and round-two senders differ or a refresh share is misaddressed");
            }

            // HJKY95 §3.2 step 3: every share against its dealer's commitment, all checked before failing.
            var complaints = shares
                .Where(kv => !packages[kv.Key].Commitment.Verify(secret.Identifier, kv.Value.SigningShare))
                .Select(kv => kv.Key).Order().ToList();
            if (complaints.Count > 0)
            {
                throw new ProtocolAbortException(AbortReason.InvalidSecretShare, complaints, "the refresh share does not match the dealer's commitment");
            }

            Span<byte> share = stackalloc byte[32];
            Span<byte> delta = stackalloc byte[32];
            try
            {
                var ns = g.ScalarLength;
                oldKeyPackage.SigningShare.CopyTo(share);
                secret.Polynomial.Evaluate(secret.Identifier, delta);
                g.ScalarAdd(share[..ns], delta[..ns], share[..ns]);
                foreach (var received in shares.Values)
                {
                    g.ScalarAdd(share[..ns], received.SigningShare, share[..ns]);
                }

                var sum = VssCommitment.Sum([.. packages.Values.Select(p => p.Commitment), secret.Commitment]);
                var verifyingShares = oldPublicKeyPackage.VerifyingShares.ToDictionary(kv => kv.Key, kv => g.Add(kv.Value, sum.Evaluate(kv.Key)));
                if (verifyingShares.Any(kv => kv.Value.IsIdentity))
                {
                    throw new ProtocolAbortException(AbortReason.MalformedMessage, [.. packages.Keys.Order()], "a refreshed verifying share is the identity");
                }

                var keyPackage = new KeyPackage(suite, secret.Identifier, share[..ns], verifyingShares[secret.Identifier], oldKeyPackage.VerifyingKey, secret.MinSigners);
                return (keyPackage, new PublicKeyPackage(suite, oldPublicKeyPackage.VerifyingKey, verifyingShares, secret.MinSigners));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(share);
                CryptographicOperations.ZeroMemory(delta);
            }
        }
    }

    private static void CheckCommitments(RefreshSecretPackage secret, IReadOnlyDictionary<ParticipantId, RefreshPackage> packages)
    {
        var malformed = packages
            .Where(kv => kv.Value.Commitment.Coefficients.Count != secret.MinSigners
                || kv.Value.Commitment.Coefficients.Any(c => !ReferenceEquals(c.Group, secret.Suite.Group))
                || !kv.Value.Commitment.ConstantTerm.IsIdentity
                || kv.Value.Commitment.Coefficients.Skip(1).Any(c => c.IsIdentity))
            .Select(kv => kv.Key).Order().ToList();
        if (malformed.Count > 0)
        {
            throw new ProtocolAbortException(AbortReason.MalformedMessage, malformed, $"a refresh commitment must have {secret.MinSigners} coefficients and the identity as its constant term");
        }
    }

    private static void CheckPeers(RefreshSecretPackage secret, IEnumerable<ParticipantId> peers)
    {
        var list = peers.ToList();
        if (list.Contains(secret.Identifier))
        {
            throw new ArgumentException($"Participant {secret.Identifier} must not receive its own package.");
        }

        if (list.Count != secret.MaxSigners - 1)
        {
            throw new ArgumentException($"Expected packages from {secret.MaxSigners - 1} other participants, got {list.Count}.");
        }
    }

    private static void CheckOldKey(RefreshSecretPackage secret, IEnumerable<ParticipantId> peers, KeyPackage oldKeyPackage, PublicKeyPackage oldPublicKeyPackage)
    {
        var everyone = peers.Append(secret.Identifier).Order().ToList();
        if (!ReferenceEquals(oldKeyPackage.Suite, secret.Suite) || !ReferenceEquals(oldPublicKeyPackage.Suite, secret.Suite)
            || oldKeyPackage.Identifier != secret.Identifier || oldKeyPackage.MinSigners != secret.MinSigners || oldPublicKeyPackage.MinSigners != secret.MinSigners
            || !oldPublicKeyPackage.VerifyingShares.Keys.Order().SequenceEqual(everyone)
            || !oldPublicKeyPackage.VerifyingKey.Equals(oldKeyPackage.VerifyingKey)
            || !oldPublicKeyPackage.VerifyingShares[secret.Identifier].Equals(oldKeyPackage.VerifyingShare))
        {
            throw new ArgumentException("The old key does not belong to this refresh (suite, participant, threshold, committee or verifying share differ).", nameof(oldKeyPackage));
        }
    }
}
