using System.Diagnostics.CodeAnalysis;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Π^mod, the Paillier-Blum modulus proof of CGGMP21 (ePrint 2021/060, Fig. 16; Lockness spec
/// §"Π^mod: Paillier-Blum Modulus"), made non-interactive with Fiat-Shamir. It shows that N = pq
/// with p, q ≡ 3 (mod 4) and gcd(N, φ(N)) = 1, with soundness error 2^-m for
/// m = <see cref="Cggmp21Parameters.M"/>. It does not show that p and q are large: N = 3·p' passes
/// when p' ≡ 3 (mod 4); <see cref="NoSmallFactorProof"/> (Π^fac) is what rules small factors out.
/// </summary>
/// <remarks>
/// The transcript starts with the protocol name "conclave/cggmp21/pi-mod/v1" and the caller's
/// context bytes, before any public input. The context must bind the session id and the prover's
/// id (and the party ids), so a proof can neither be replayed in another session nor claimed by
/// another party.
/// </remarks>
public sealed class PaillierBlumModulusProof : EncodedProof, IDisposable
{
    /// <summary>The transcript's protocol name.</summary>
    internal const string ProtocolName = "conclave/cggmp21/pi-mod/v1";

    private const byte Kind = 1;

    private readonly GmpInteger _w;
    private readonly GmpInteger[] _x;
    private readonly bool[] _a;
    private readonly bool[] _b;
    private readonly GmpInteger[] _z;

    /// <summary>Takes ownership of the values (tests build tampered proofs through this).</summary>
    internal PaillierBlumModulusProof(GmpInteger w, GmpInteger[] x, bool[] a, bool[] b, GmpInteger[] z)
    {
        _w = w;
        _x = x;
        _a = a;
        _b = b;
        _z = z;
    }

    /// <summary>w, with Jacobi symbol (w/N) = -1.</summary>
    public GmpInteger W => _w;

    /// <summary>x_i: the 4th roots of (-1)^a_i w^b_i y_i mod N.</summary>
    public IReadOnlyList<GmpInteger> X => _x;

    /// <summary>a_i.</summary>
    public IReadOnlyList<bool> A => _a;

    /// <summary>b_i.</summary>
    public IReadOnlyList<bool> B => _b;

    /// <summary>z_i = y_i^(N^-1 mod φ(N)) mod N.</summary>
    public IReadOnlyList<GmpInteger> Z => _z;

    /// <summary>
    /// Proves that the modulus of <paramref name="key"/> is a Paillier-Blum modulus.
    /// <paramref name="context"/> must bind the session and the prover (see the remarks on the type).
    /// </summary>
    public static PaillierBlumModulusProof Prove(ReadOnlySpan<byte> context, PaillierSecretKey key, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ProofHelpers.ThrowIfEmpty(context);
        random ??= SystemRandomSource.Instance;
        var n = key.PublicKey.N;

        // Fig. 16 step 1: w ← Z_N with (w/N) = -1 (so gcd(w, N) = 1 as well).
        var w = SampleNonResidue(n, random);
        var ys = DeriveChallenges(context, n, w, Cggmp21Parameters.M);
        var x = new GmpInteger[ys.Length];
        var a = new bool[ys.Length];
        var b = new bool[ys.Length];
        var z = new GmpInteger[ys.Length];
        try
        {
            using var pSide = new PrimeSide(key.P, n);
            using var qSide = new PrimeSide(key.Q, n);
            using var two = GmpInteger.FromUInt64(2);
            using var pMinusTwo = GmpInteger.Subtract(key.P, two);
            using var qInverse = GmpInteger.PowModSecret(key.Q, pMinusTwo, key.P); // q^-1 mod p by Fermat, constant time
            for (var i = 0; i < ys.Length; i++)
            {
                var y = ys[i];

                // Fig. 16 step 3(a): pick b_i so that (-1)^a_i w^b_i y_i has Jacobi symbol 1 (public: (w/N) = -1),
                // then a_i so that it is a square modulo p and q (-1 is a non-square modulo both).
                var jacobi = GmpInteger.Jacobi(y, n);
                b[i] = jacobi == -1;
                using var u = b[i] ? GmpInteger.MultiplyMod(w, y, n) : GmpInteger.Mod(y, n);

                // Fig. 16 step 3(b): x_i, the principal 4th root, by CRT from the roots modulo p and q.
                using var xp = pSide.FourthRoot(u, out var ap);
                using var xq = qSide.FourthRoot(u, out var aq);

                // For a unit y_i, (u/N) = 1 makes u a square modulo both primes or modulo neither. If y_i
                // shares a factor with N (about 2^-1023 for 1024-bit primes, frequent only for toy moduli
                // such as 3·p), its root modulo that factor is 0 whatever a_i is, and the other prime decides.
                if (jacobi != 0 && ap != aq)
                {
                    throw new InvalidOperationException("The factors of the key are not Blum primes.");
                }

                a[i] = ap || aq;
                x[i] = Crt(xp, xq, key.P, key.Q, qInverse);

                // Fig. 16 step 3(c): z_i = y_i^(N^-1 mod φ(N)), by CRT with N^-1 mod (p-1) and mod (q-1).
                using var zp = pSide.NthRoot(y);
                using var zq = qSide.NthRoot(y);
                z[i] = Crt(zp, zq, key.P, key.Q, qInverse);
            }

            return new PaillierBlumModulusProof(w, x, a, b, z);
        }
        catch
        {
            w.Dispose();
            ProofHelpers.DisposeAll(x);
            ProofHelpers.DisposeAll(z);
            throw;
        }
        finally
        {
            ProofHelpers.DisposeAll(ys);
        }
    }

    /// <summary>
    /// Whether this proves that <paramref name="modulus"/> is a Paillier-Blum modulus of at least
    /// <paramref name="minimumModulusBits"/> bits, for the same <paramref name="context"/> the prover used.
    /// Never throws for an invalid proof; only for a null or empty argument.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> context, GmpInteger modulus, int minimumModulusBits = Cggmp21Parameters.MinimumModulusBits) =>
        Check(context, modulus, minimumModulusBits) == ProofFailure.None;

    /// <summary>The first check the proof fails, or <see cref="ProofFailure.None"/>.</summary>
    internal ProofFailure Check(ReadOnlySpan<byte> context, GmpInteger modulus, int minimumModulusBits)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        ProofHelpers.ThrowIfEmpty(context);
        ArgumentOutOfRangeException.ThrowIfNegative(minimumModulusBits);
        var m = Cggmp21Parameters.M;
        if (_x.Length != m || _a.Length != m || _b.Length != m || _z.Length != m)
        {
            return ProofFailure.WrongRepetitionCount;
        }

        // Fig. 16 step 4(a) "N is an odd non-prime", plus: N is not a perfect square (N = r² has no w
        // with (w/N) = -1 anyway) and has the size the caller requires.
        if (modulus.CompareTo(3) < 0 || modulus.BitLength < minimumModulusBits)
        {
            return ProofFailure.ModulusTooSmall;
        }

        if (!modulus.IsOdd)
        {
            return ProofFailure.ModulusEven;
        }

        if (modulus.IsPerfectSquare())
        {
            return ProofFailure.ModulusPerfectSquare;
        }

        if (modulus.IsProbablePrime())
        {
            return ProofFailure.ModulusPrime;
        }

        // w ∈ Z*_N with (w/N) = -1 (the latest revision of the paper checks gcd(w, N) = 1 explicitly;
        // without (w/N) = -1 the b_i could not fix the Jacobi symbol and non-Blum moduli would pass).
        if (!ProofHelpers.IsUnit(_w, modulus))
        {
            return ProofFailure.CommitmentNotUnit;
        }

        if (GmpInteger.Jacobi(_w, modulus) != -1)
        {
            return ProofFailure.JacobiNotMinusOne;
        }

        var ys = DeriveChallenges(context, modulus, _w, m);
        try
        {
            for (var i = 0; i < m; i++)
            {
                // x_i, z_i ∈ (0, N): the canonical representatives, never 0.
                if (!ProofHelpers.IsInOpenRange(_x[i], modulus) || !ProofHelpers.IsInOpenRange(_z[i], modulus))
                {
                    return ProofFailure.ResponseOutOfRange;
                }

                // Fig. 16 step 4(b): z_i^N = y_i (mod N).
                using (var zn = GmpInteger.PowModPublic(_z[i], modulus, modulus))
                {
                    if (zn.CompareTo(ys[i]) != 0)
                    {
                        return ProofFailure.NthRootMismatch;
                    }
                }

                // Fig. 16 step 4(b): x_i^4 = (-1)^a_i w^b_i y_i (mod N).
                using var x2 = GmpInteger.MultiplyMod(_x[i], _x[i], modulus);
                using var x4 = GmpInteger.MultiplyMod(x2, x2, modulus);
                using var expected = Adjust(ys[i], _a[i], _b[i], _w, modulus);
                if (x4.CompareTo(expected) != 0)
                {
                    return ProofFailure.FourthRootMismatch;
                }
            }

            return ProofFailure.None;
        }
        finally
        {
            ProofHelpers.DisposeAll(ys);
        }
    }

    /// <summary>
    /// y_1..y_count ∈ Z_N from the transcript over (protocol, context, m, N, w) (Lockness spec
    /// "Non-Interactive Version": (y_1, …, y_m) = challenge(state, N, w)). The caller disposes them.
    /// </summary>
    internal static GmpInteger[] DeriveChallenges(ReadOnlySpan<byte> context, GmpInteger modulus, GmpInteger w, int count)
    {
        using var transcript = new Transcript(ProtocolName);
        transcript.Append("context", context);
        transcript.Append("m", (ulong)count);
        transcript.Append("N", modulus);
        transcript.Append("w", w);
        var ys = new GmpInteger[count];
        for (var i = 0; i < count; i++)
        {
            ys[i] = transcript.ChallengeBelow($"y[{i}]", modulus);
        }

        return ys;
    }

    /// <summary>Length of the encoding.</summary>
    public override int GetSerializedLength()
    {
        var length = ProofWriter.HeaderSize + ProofWriter.CountSize + ProofWriter.SizeOf(_w);
        for (var i = 0; i < _x.Length; i++)
        {
            length += ProofWriter.SizeOf(_x[i]) + ProofWriter.SizeOf(_z[i]) + 1;
        }

        return length;
    }

    /// <summary>
    /// Parses the canonical encoding: the right version and kind, exactly m repetitions, no negative
    /// number, no unknown flag bit, no trailing byte. Structure only; <see cref="Verify"/> checks the rest.
    /// </summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> source, [NotNullWhen(true)] out PaillierBlumModulusProof? proof)
    {
        proof = null;
        var m = Cggmp21Parameters.M;
        var reader = new ProofReader(source);
        if (!reader.TryReadHeader(Kind) || !reader.TryReadCount(m) || !reader.TryReadInteger(false, out var w))
        {
            return false;
        }

        var x = new GmpInteger[m];
        var z = new GmpInteger[m];
        var a = new bool[m];
        var b = new bool[m];
        for (var i = 0; i < m; i++)
        {
            if (!reader.TryReadInteger(false, out var xi))
            {
                return Fail(w, x, z);
            }

            x[i] = xi;
            if (!reader.TryReadInteger(false, out var zi))
            {
                return Fail(w, x, z);
            }

            z[i] = zi;
            if (!reader.TryReadByte(out var flags) || flags > 3)
            {
                return Fail(w, x, z);
            }

            a[i] = (flags & 1) != 0;
            b[i] = (flags & 2) != 0;
        }

        if (!reader.IsAtEnd)
        {
            return Fail(w, x, z);
        }

        proof = new PaillierBlumModulusProof(w, x, a, b, z);
        return true;
    }

    /// <summary>Frees the native numbers.</summary>
    public void Dispose()
    {
        _w.Dispose();
        ProofHelpers.DisposeAll(_x);
        ProofHelpers.DisposeAll(_z);
    }

    private static bool Fail(GmpInteger w, GmpInteger?[] x, GmpInteger?[] z)
    {
        w.Dispose();
        ProofHelpers.DisposeAll(x);
        ProofHelpers.DisposeAll(z);
        return false;
    }

    /// <summary>(-1)^a w^b y mod N.</summary>
    private static GmpInteger Adjust(GmpInteger y, bool a, bool b, GmpInteger w, GmpInteger n)
    {
        var r = b ? GmpInteger.MultiplyMod(w, y, n) : GmpInteger.Mod(y, n);
        if (a && !r.IsZero)
        {
            var negated = GmpInteger.Subtract(n, r);
            r.Dispose();
            r = negated;
        }

        return r;
    }

    private protected override void WriteCore(Span<byte> destination)
    {
        var writer = new ProofWriter(destination);
        writer.WriteHeader(Kind);
        writer.WriteCount(_x.Length);
        writer.WriteInteger(_w);
        for (var i = 0; i < _x.Length; i++)
        {
            writer.WriteInteger(_x[i]);
            writer.WriteInteger(_z[i]);
            writer.WriteByte((byte)((_a[i] ? 1 : 0) | (_b[i] ? 2 : 0)));
        }
    }

    private static GmpInteger SampleNonResidue(GmpInteger n, IRandomSource random)
    {
        while (true)
        {
            var w = GmpInteger.RandomBelow(n, random);
            if (GmpInteger.Jacobi(w, n) == -1)
            {
                return w;
            }

            w.Dispose();
        }
    }

    /// <summary>x ≡ xp (mod p), x ≡ xq (mod q): x = xq + q · ((xp - xq) · q^-1 mod p).</summary>
    private static GmpInteger Crt(GmpInteger xp, GmpInteger xq, GmpInteger p, GmpInteger q, GmpInteger qInverse)
    {
        using var diff = GmpInteger.Subtract(xp, xq);
        using var h = GmpInteger.MultiplyMod(diff, qInverse, p);
        using var t = GmpInteger.Multiply(h, q);
        return GmpInteger.Add(xq, t);
    }

    /// <summary>The prover's per-prime exponents for a Blum prime r (r ≡ 3 mod 4). Secret.</summary>
    private sealed class PrimeSide : IDisposable
    {
        private readonly GmpInteger _r;
        private readonly GmpInteger _fourthRootExponent; // ((r+1)/4)² mod (r-1)
        private readonly GmpInteger _nthRootExponent; // N^-1 mod (r-1)
        private readonly bool _quarterIsOdd; // (r+1)/4 is odd, i.e. r ≡ 3 (mod 8)

        public PrimeSide(GmpInteger r, GmpInteger n)
        {
            _r = r;
            using var one = GmpInteger.FromUInt64(1);
            using var rMinusOne = GmpInteger.Subtract(r, one);
            using var rPlusOne = GmpInteger.Add(r, one);
            using var quarter = GmpInteger.ShiftRight(rPlusOne, 2);
            _quarterIsOdd = quarter.IsOdd;
            _fourthRootExponent = GmpInteger.MultiplyMod(quarter, quarter, rMinusOne);
            using var nMod = GmpInteger.Mod(n, rMinusOne);
            _nthRootExponent = GmpInteger.Invert(nMod, rMinusOne)
                ?? throw new InvalidOperationException("gcd(N, φ(N)) ≠ 1: not a Paillier-Blum key.");
        }

        /// <summary>
        /// The principal 4th root of (-1)^a u modulo r, where a says whether u is a non-square mod r.
        /// With k = (r+1)/4, c = u^(k²) satisfies c^4 = (u/r) · u, since u^(2k) = u^((r+1)/2) = (u/r) · u
        /// and 2k is even; c is a square unless (u/r) = -1 and k is odd, when -c is the principal root.
        /// One exponentiation instead of two square roots.
        /// </summary>
        public GmpInteger FourthRoot(GmpInteger u, out bool a)
        {
            using var ur = GmpInteger.Mod(u, _r);
            var c = GmpInteger.PowModSecret(ur, _fourthRootExponent, _r);
            using var c2 = GmpInteger.MultiplyMod(c, c, _r);
            using var c4 = GmpInteger.MultiplyMod(c2, c2, _r);
            a = c4.CompareTo(ur) != 0;
            if (a && _quarterIsOdd && !c.IsZero)
            {
                var negated = GmpInteger.Subtract(_r, c);
                c.Dispose();
                return negated;
            }

            return c;
        }

        /// <summary>y^(N^-1 mod (r-1)) mod r, the N-th root of y modulo r.</summary>
        public GmpInteger NthRoot(GmpInteger y)
        {
            using var yr = GmpInteger.Mod(y, _r);
            return GmpInteger.PowModSecret(yr, _nthRootExponent, _r);
        }

        public void Dispose()
        {
            _fourthRootExponent.Dispose();
            _nthRootExponent.Dispose();
        }
    }
}
