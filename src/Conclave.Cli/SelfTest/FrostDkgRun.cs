using System.Security.Cryptography;
using Conclave.Threshold;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Keys.Dkg;
using Conclave.Threshold.Frost.Signing;

namespace Conclave.Cli.SelfTest;

/// <summary>
/// A fresh FROST DKG among n simulated parties in one process — each party its own state
/// machine, every message passed through its wire encoding — then a signature by a random
/// t-subset over a random 32-byte message, verified with the suite's standard verifier.
/// </summary>
internal static class FrostDkgRun
{
    internal static SelfTestResult Run(FrostCiphersuite suite, int t, int n)
    {
        var ids = Enumerable.Range(1, n).Select(i => new ParticipantId((ushort)i)).ToList();
        var sessionId = RandomNumberGenerator.GetBytes(32);

        // Round 1: every party broadcasts its commitment and proof of knowledge.
        var round1Secrets = new Dictionary<ParticipantId, Round1SecretPackage>();
        var round1Wire = new Dictionary<ParticipantId, byte[]>();
        foreach (var id in ids)
        {
            var (secret, package) = FrostDkg.Part1(suite, id, n, t, sessionId);
            round1Secrets[id] = secret;
            round1Wire[id] = package.Serialize();
        }

        // Round 2: every party checks the others' proofs and deals shares point to point.
        var received1 = ids.ToDictionary(id => id, id => ids.Where(o => o != id).ToDictionary(o => o, o => Round1Package.Deserialize(suite, round1Wire[o])));
        var round2Secrets = new Dictionary<ParticipantId, Round2SecretPackage>();
        var round2Wire = new Dictionary<(ParticipantId From, ParticipantId To), byte[]>();
        foreach (var id in ids)
        {
            var (secret, packages) = FrostDkg.Part2(round1Secrets[id], received1[id]);
            round2Secrets[id] = secret;
            foreach (var (to, p) in packages)
            {
                round2Wire[(id, to)] = p.Serialize();
                p.Dispose();
            }
        }

        // Round 3 (local): check received shares against commitments and derive the keys.
        var keys = new Dictionary<ParticipantId, KeyPackage>();
        PublicKeyPackage? publicKeyPackage = null;
        try
        {
            foreach (var id in ids)
            {
                var received2 = ids.Where(o => o != id).ToDictionary(o => o, o => Round2Package.Deserialize(suite, round2Wire[(o, id)]));
                try
                {
                    var (kp, pkp) = FrostDkg.Part3(round2Secrets[id], received1[id], received2);
                    keys[id] = kp;
                    if (publicKeyPackage is not null && !publicKeyPackage.VerifyingKey.Equals(pkp.VerifyingKey))
                    {
                        throw new CryptographicException("Parties disagree on the group public key.");
                    }

                    publicKeyPackage = pkp;
                }
                finally
                {
                    foreach (var p in received2.Values)
                    {
                        p.Dispose();
                    }
                }
            }

            foreach (var wire in round2Wire.Values)
            {
                CryptographicOperations.ZeroMemory(wire);
            }

            // Signing by a random t-subset.
            var signers = ids.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).Take(t).Order().ToList();
            var message = RandomNumberGenerator.GetBytes(32);
            var nonces = signers.ToDictionary(id => id, id => Round1.Commit(keys[id]));
            var signingPackage = new SigningPackage(nonces.Values.Select(x => SigningCommitments.Deserialize(suite, x.Commitments.Serialize())), message);
            var shares = signers.Select(id => SignatureShare.Deserialize(suite, Round2.Sign(signingPackage, nonces[id], keys[id]).Serialize())).ToList();
            var signature = Aggregate.Run(signingPackage, shares, publicKeyPackage!);
            var publicKey = publicKeyPackage!.SerializePublicKey();
            var verified = suite.Verify(publicKey, message, signature);
            return new SelfTestResult("frost", suite.Name, t, n, [.. signers.Select(s => (int)s.Value)], Convert.ToHexStringLower(publicKey), Convert.ToHexStringLower(message), Convert.ToHexStringLower(signature), verified);
        }
        finally
        {
            foreach (var k in keys.Values)
            {
                k.Dispose();
            }
        }
    }
}
