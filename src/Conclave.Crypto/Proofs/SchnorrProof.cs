using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Π^sch, the Schnorr proof of knowledge of x with X = x·G (CGGMP21, Π^sch; Lockness implementation spec
/// "Π^sch"): commit A = α·G, challenge e, response z = α + e·x; accept iff z·G == A + e·X.
/// The commitment A is sent (committed) before the challenge is known, so the proof is split in
/// <see cref="Commit"/> and <see cref="Respond"/>; the challenge is derived by the caller's transcript.
/// </summary>
public static class SchnorrProof
{
    /// <summary>Samples α and returns A = α·G; the caller keeps <paramref name="alpha"/> secret and wipes it.</summary>
    public static Element Commit(PrimeOrderGroup group, IRandomSource random, Span<byte> alpha)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(random);
        group.RandomScalar(random, alpha);
        return group.MultiplyBase(alpha);
    }

    /// <summary>
    /// The challenge: a uniform scalar from the transcript (which the caller has bound to the
    /// session, the prover, and any shared randomness), after appending X and A.
    /// </summary>
    public static byte[] Challenge(Transcript transcript, Element statement, Element commitment)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(commitment);
        var g = statement.Group;
        transcript.Append("X", statement);
        transcript.Append("A", commitment);
        Span<byte> wide = stackalloc byte[64];
        transcript.ChallengeBytes("e", wide);
        var e = g.NewScalar();
        g.ScalarReduce(wide, e); // 512 bits reduced: bias below 2^-256
        return e;
    }

    /// <summary>z = α + e·x.</summary>
    public static byte[] Respond(PrimeOrderGroup group, ReadOnlySpan<byte> alpha, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(group);
        Span<byte> ex = stackalloc byte[32];
        try
        {
            group.ScalarMultiply(challenge, secret, ex);
            var z = group.NewScalar();
            group.ScalarAdd(alpha, ex, z);
            return z;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ex);
        }
    }

    /// <summary>Accepts iff z is canonical and z·G == A + e·X.</summary>
    public static bool Verify(Element statement, Element commitment, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> response)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(commitment);
        var g = statement.Group;
        if (!g.IsCanonicalScalar(response) || !g.IsCanonicalScalar(challenge) || !ReferenceEquals(commitment.Group, g))
        {
            return false;
        }

        return g.MultiplyBase(response).Equals(g.Add(commitment, g.MultiplyPublic(statement, challenge)));
    }
}
