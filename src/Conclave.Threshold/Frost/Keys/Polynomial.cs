using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Random;

namespace Conclave.Threshold.Frost.Keys;

/// <summary>A secret polynomial f(x) = a_0 + a_1 x + ... + a_(t-1) x^(t-1), coefficients in pinned memory.</summary>
internal sealed class Polynomial : IDisposable
{
    private readonly SecretBytes _coefficients;

    private Polynomial(PrimeOrderGroup group, SecretBytes coefficients)
    {
        Group = group;
        _coefficients = coefficients;
    }

    internal PrimeOrderGroup Group { get; }

    internal int Degree => (_coefficients.Length / Group.ScalarLength) - 1;

    internal ReadOnlySpan<byte> Coefficient(int j) => _coefficients.Span.Slice(j * Group.ScalarLength, Group.ScalarLength);

    /// <summary>A polynomial with the given constant term and t-1 further coefficients (random unless given).</summary>
    internal static Polynomial Create(PrimeOrderGroup group, ReadOnlySpan<byte> constantTerm, int threshold, IRandomSource random, IReadOnlyList<byte[]>? fixedCoefficients = null)
    {
        var ns = group.ScalarLength;
        return new Polynomial(group, SecretBytes.Create(threshold * ns, (constantTerm.ToArray(), group, random, fixedCoefficients), static (span, st) =>
        {
            var (c0, g, rng, fixedCoeffs) = st;
            var n = g.ScalarLength;
            c0.CopyTo(span);
            CryptographicOperations.ZeroMemory(c0);
            for (var j = 1; j < span.Length / n; j++)
            {
                if (fixedCoeffs is not null)
                {
                    g.ValidateScalar(fixedCoeffs[j - 1]);
                    fixedCoeffs[j - 1].CopyTo(span.Slice(j * n, n));
                }
                else
                {
                    g.RandomScalar(rng, span.Slice(j * n, n));
                }
            }
        }));
    }

    /// <summary>f(x), by Horner's rule, into <paramref name="result"/>.</summary>
    internal void Evaluate(ParticipantId x, Span<byte> result)
    {
        var g = Group;
        Span<byte> xs = stackalloc byte[32];
        Span<byte> acc = stackalloc byte[32];
        try
        {
            g.ScalarFromUInt64(x.Value, xs);
            acc.Clear();
            for (var j = Degree; j >= 0; j--)
            {
                g.ScalarMultiply(acc, xs, acc);
                g.ScalarAdd(acc, Coefficient(j), acc);
            }

            acc.CopyTo(result);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(acc);
        }
    }

    /// <summary>vss_commit: [a_j * G] (a_0 = 0, as in a refresh polynomial, commits to the identity).</summary>
    internal VssCommitment Commit()
    {
        var elements = new Element[Degree + 1];
        for (var j = 0; j <= Degree; j++)
        {
            elements[j] = Group.MultiplyBase(Coefficient(j));
        }

        return new VssCommitment(elements, allowIdentity: true);
    }

    public void Dispose() => _coefficients.Dispose();
}
