using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Random;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Keys.Dkg;

/// <summary>
/// Pedersen distributed key generation with proofs of knowledge: the KeyGen protocol of the
/// FROST paper (Komlo and Goldberg, SAC 2020, Figure 1), in the three steps of ZcashFoundation
/// frost's <c>keys::dkg</c> (part1, part2, part3). Each step is a pure function from (secret
/// state, received messages) to (secret state, messages to send); round one needs a reliable
/// broadcast, round two confidential point-to-point channels.
/// </summary>
/// <remarks>
/// The proof-of-knowledge challenge is c = HDKG(id || phi_0 || R || context). The paper's context
/// string Φ prevents replay across runs; Conclave passes the session id as <c>context</c>. With an
/// empty context the encoding is byte-identical to ZcashFoundation frost (whose vectors omit Φ).
/// </remarks>
public static class FrostDkg
{
    /// <summary>
    /// part1: draws the secret polynomial, commits to it and proves knowledge of its constant term
    /// (KeyGen round 1, steps 1-4). Broadcast the <see cref="Round1Package"/>; keep the secret package.
    /// </summary>
    public static (Round1SecretPackage Secret, Round1Package Package) Part1(
        FrostCiphersuite suite, ParticipantId identifier, int maxSigners, int minSigners, ReadOnlySpan<byte> context = default, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(suite);
        random ??= SystemRandomSource.Instance;
        Span<byte> a0 = stackalloc byte[32];
        try
        {
            suite.Group.RandomScalar(random, a0);
            return Part1(suite, identifier, maxSigners, minSigners, context, random, a0, null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(a0);
        }
    }

    /// <summary>part1 with a given constant term and coefficients (reproduces published vectors).</summary>
    internal static (Round1SecretPackage Secret, Round1Package Package) Part1(
        FrostCiphersuite suite, ParticipantId identifier, int maxSigners, int minSigners, ReadOnlySpan<byte> context, IRandomSource random, ReadOnlySpan<byte> constantTerm, IReadOnlyList<byte[]>? coefficients)
    {
        TrustedDealer.CheckParameters(minSigners, maxSigners);
        var g = suite.Group;
        var poly = Polynomial.Create(g, constantTerm, minSigners, random, coefficients);
        try
        {
            var commitment = poly.Commit();

            // Step 2: sigma_i = (R_i, mu_i), k <- Z_q, R_i = kG, c_i = H(i, Φ, a_i0*G, R_i), mu_i = k + a_i0 * c_i.
            Span<byte> k = stackalloc byte[32];
            Span<byte> c = stackalloc byte[32];
            try
            {
                var r = suite.GenerateNonce(random, k);
                Challenge(suite, identifier, commitment.ConstantTerm, r, context, c);
                g.ScalarMultiply(poly.Coefficient(0), c, c);
                g.ScalarAdd(k, c, c);
                var proof = suite.SerializeProof(r, c);
                var secret = new Round1SecretPackage(suite, identifier, poly, commitment, minSigners, maxSigners, context.ToArray());
                return (secret, new Round1Package(commitment, proof));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(k);
                CryptographicOperations.ZeroMemory(c);
            }
        }
        catch
        {
            poly.Dispose();
            throw;
        }
    }

    /// <summary>
    /// part2: checks every other participant's commitment and proof of knowledge (KeyGen round 1,
    /// step 5) and computes the secret share f_i(l) for each of them (round 2, step 1). Consumes
    /// (disposes) the round-one secret. Aborts naming every participant whose package is invalid.
    /// </summary>
    public static (Round2SecretPackage Secret, IReadOnlyDictionary<ParticipantId, Round2Package> Packages) Part2(
        Round1SecretPackage secret, IReadOnlyDictionary<ParticipantId, Round1Package> round1Packages)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(round1Packages);
        using (secret)
        {
            var suite = secret.Suite;
            CheckPeers(secret.Identifier, secret.MaxSigners, round1Packages.Keys);

            CheckCommitments(suite, secret.MinSigners, round1Packages);

            var badProofs = round1Packages
                .Where(kv => !VerifyProofOfKnowledge(suite, kv.Key, kv.Value, secret.Context))
                .Select(kv => kv.Key).Order().ToList();
            if (badProofs.Count > 0)
            {
                throw new ProtocolAbortException(AbortReason.InvalidProofOfKnowledge, badProofs);
            }

            var packages = new Dictionary<ParticipantId, Round2Package>(round1Packages.Count);
            Span<byte> share = stackalloc byte[32];
            try
            {
                foreach (var l in round1Packages.Keys.Order())
                {
                    secret.Polynomial.Evaluate(l, share);
                    packages[l] = new Round2Package(suite, secret.Identifier, l, share);
                }

                secret.Polynomial.Evaluate(secret.Identifier, share);
                var own = SecretBytes.Copy(share);
                return (new Round2SecretPackage(suite, secret.Identifier, secret.Commitment, own, secret.MinSigners, secret.MaxSigners), packages);
            }
            catch
            {
                foreach (var p in packages.Values)
                {
                    p.Dispose();
                }

                throw;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(share);
            }
        }
    }

    /// <summary>
    /// part3: checks each received share against its dealer's commitment (KeyGen round 2, step 2;
    /// a failure is a complaint naming the dealer), then derives the signing share, the group key
    /// and every verifying share (steps 3-4). Consumes (disposes) the round-two secret. For the
    /// Taproot suite the outputs are tweaked per BIP-341 (unspendable script path).
    /// </summary>
    public static (KeyPackage KeyPackage, PublicKeyPackage PublicKeyPackage) Part3(
        Round2SecretPackage secret, IReadOnlyDictionary<ParticipantId, Round1Package> round1Packages, IReadOnlyDictionary<ParticipantId, Round2Package> round2Packages)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(round1Packages);
        ArgumentNullException.ThrowIfNull(round2Packages);
        using (secret)
        {
            var suite = secret.Suite;
            var g = suite.Group;
            CheckPeers(secret.Identifier, secret.MaxSigners, round1Packages.Keys);
            CheckCommitments(suite, secret.MinSigners, round1Packages);
            var mismatched = round1Packages.Keys.Except(round2Packages.Keys).Concat(round2Packages.Keys.Except(round1Packages.Keys))
                .Concat(round2Packages.Where(kv => kv.Value.Sender != kv.Key || kv.Value.Recipient != secret.Identifier).Select(kv => kv.Key))
                .Distinct().Order().ToList();
            if (mismatched.Count > 0)
            {
                throw new ProtocolAbortException(AbortReason.UnexpectedParticipant, mismatched, "round-one and round-two senders differ or a share is misaddressed");
            }

            // Round 2, step 2: f_l(i) * G == sum_k phi_lk * i^k; a mismatch is a complaint against l.
            var complaints = round2Packages
                .Where(kv => !round1Packages[kv.Key].Commitment.Verify(secret.Identifier, kv.Value.SigningShare))
                .Select(kv => kv.Key).Order().ToList();
            if (complaints.Count > 0)
            {
                throw new ProtocolAbortException(AbortReason.InvalidSecretShare, complaints, "the secret share does not match the dealer's commitment");
            }

            // Step 3: s_i = sum_l f_l(i).
            Span<byte> share = stackalloc byte[32];
            try
            {
                secret.OwnShare.CopyTo(share);
                foreach (var p in round2Packages.Values)
                {
                    g.ScalarAdd(share, p.SigningShare, share);
                }

                // Step 4: group key and verifying shares from the summed commitment.
                var all = round1Packages.Select(kv => kv.Value.Commitment).Append(secret.Commitment).ToList();
                var groupCommitment = VssCommitment.Sum(all);
                var verifyingKey = groupCommitment.ConstantTerm;
                if (verifyingKey.IsIdentity)
                {
                    throw new ProtocolAbortException(AbortReason.MalformedMessage, [.. round1Packages.Keys.Order()], "the group key is the identity");
                }

                var verifyingShares = round1Packages.Keys.Append(secret.Identifier)
                    .ToDictionary(id => id, groupCommitment.Evaluate);
                var keyPackage = new KeyPackage(suite, secret.Identifier, share, verifyingShares[secret.Identifier], verifyingKey, secret.MinSigners);
                var publicKeyPackage = new PublicKeyPackage(suite, verifyingKey, verifyingShares, secret.MinSigners);
                if (!suite.TweaksAfterDkg)
                {
                    return (keyPackage, publicKeyPackage);
                }

                using (keyPackage)
                {
                    return (keyPackage.Tweaked(default), publicKeyPackage.Tweaked(default));
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(share);
            }
        }
    }

    /// <summary>Verifies one proof of knowledge: R == mu*G - c*phi_0 (KeyGen round 1, step 5).</summary>
    internal static bool VerifyProofOfKnowledge(FrostCiphersuite suite, ParticipantId dealer, Round1Package package, ReadOnlySpan<byte> context)
    {
        var g = suite.Group;
        if (!suite.TryDeserializeProof(package.ProofOfKnowledge, out var r, out var mu))
        {
            return false;
        }

        Span<byte> c = stackalloc byte[32];
        Challenge(suite, dealer, package.Commitment.ConstantTerm, r, context, c);
        var expected = g.Subtract(g.MultiplyBase(mu), g.MultiplyPublic(package.Commitment.ConstantTerm, c));
        return expected.Equals(r);
    }

    private static void Challenge(FrostCiphersuite suite, ParticipantId identifier, Element phi0, Element r, ReadOnlySpan<byte> context, Span<byte> challenge)
    {
        var g = suite.Group;
        var ns = g.ScalarLength;
        var ne = g.ElementLength;
        var input = new byte[ns + (2 * ne) + context.Length];
        g.ScalarFromUInt64(identifier.Value, input.AsSpan(0, ns));
        g.SerializeElement(phi0, input.AsSpan(ns));
        g.SerializeElement(r, input.AsSpan(ns + ne));
        context.CopyTo(input.AsSpan(ns + (2 * ne)));
        suite.HDkg(input, challenge);
    }

    private static void CheckCommitments(FrostCiphersuite suite, int minSigners, IReadOnlyDictionary<ParticipantId, Round1Package> round1Packages)
    {
        var malformed = round1Packages
            .Where(kv => kv.Value.Commitment.Coefficients.Count != minSigners || !ReferenceEquals(kv.Value.Commitment.Group, suite.Group))
            .Select(kv => kv.Key).Order().ToList();
        if (malformed.Count > 0)
        {
            throw new ProtocolAbortException(AbortReason.MalformedMessage, malformed, $"the commitment must have {minSigners} coefficients");
        }
    }

    private static void CheckPeers(ParticipantId self, int maxSigners, IEnumerable<ParticipantId> peers)
    {
        var list = peers.ToList();
        if (list.Contains(self))
        {
            throw new ArgumentException($"Participant {self} must not receive its own package.");
        }

        if (list.Count != maxSigners - 1)
        {
            throw new ArgumentException($"Expected packages from {maxSigners - 1} other participants, got {list.Count}.");
        }
    }
}
