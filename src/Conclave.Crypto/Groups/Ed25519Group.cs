using System.Security.Cryptography;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Native;
using Conclave.Crypto.Random;

namespace Conclave.Crypto.Groups;

/// <summary>
/// The prime-order subgroup of edwards25519 through libsodium's <c>crypto_core_ed25519_*</c> and
/// <c>crypto_scalarmult_ed25519_*_noclamp</c>. Elements are 32-byte RFC 8032 encodings; scalars are
/// 32-byte little-endian integers below L = 2^252 + 27742317777372353535851937790883648493.
/// Deserialization uses <c>crypto_core_ed25519_is_valid_point</c>, which rejects non-canonical
/// encodings, points not on the curve, small-order points (so the identity) and points outside
/// the prime-order subgroup, as RFC 9591 §6.1 requires.
/// </summary>
public sealed class Ed25519Group : PrimeOrderGroup
{
    // L, little-endian.
    private static readonly byte[] OrderLittleEndian = Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

    // L as a GMP integer (immutable; for inverting public values).
    private static readonly GmpInteger OrderGmp = GmpInteger.FromBytes([.. OrderLittleEndian.Reverse()]);

    private static readonly byte[] IdentityEncoding = Convert.FromHexString("0100000000000000000000000000000000000000000000000000000000000000");

    private readonly Element _generator;

    private Ed25519Group()
    {
        if (SodiumNative.SodiumInit() < 0)
        {
            throw new CryptographicException("libsodium initialization failed.");
        }

        Span<byte> one = stackalloc byte[32];
        one[0] = 1;
        _generator = MultiplyBaseCore(one);
    }

    /// <summary>The group (stateless).</summary>
    public static Ed25519Group Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "ed25519";

    /// <inheritdoc />
    public override int ElementLength => 32;

    /// <inheritdoc />
    public override Element Generator => _generator;

    private protected override unsafe Element MultiplyBaseCore(ReadOnlySpan<byte> scalar)
    {
        var q = new byte[32];
        fixed (byte* pq = q)
        fixed (byte* n = scalar)
        {
            // Fails only when the result is the identity (scalar = 0 mod L).
            return SodiumNative.ScalarMultBaseNoClamp(pq, n) == 0 ? new Element(this, q) : Identity;
        }
    }

    private protected override unsafe Element MultiplyCore(Element point, ReadOnlySpan<byte> scalar)
    {
        var q = new byte[32];
        fixed (byte* pq = q)
        fixed (byte* n = scalar)
        fixed (byte* p = point.Representation)
        {
            // Fails only when the result is the identity: elements are in the prime-order subgroup.
            return SodiumNative.ScalarMultNoClamp(pq, n, p) == 0 ? new Element(this, q) : Identity;
        }
    }

    private protected override unsafe Element AddCore(Element a, Element b)
    {
        var r = new byte[32];
        fixed (byte* pr = r)
        fixed (byte* pa = a.Representation)
        fixed (byte* pb = b.Representation)
        {
            if (SodiumNative.Add(pr, pa, pb) != 0)
            {
                throw new InvalidOperationException("libsodium rejected a validated element.");
            }
        }

        return r.AsSpan().SequenceEqual(IdentityEncoding) ? Identity : new Element(this, r);
    }

    private protected override unsafe Element NegateCore(Element point)
    {
        var r = new byte[32];
        fixed (byte* pr = r)
        fixed (byte* id = IdentityEncoding)
        fixed (byte* p = point.Representation)
        {
            if (SodiumNative.Sub(pr, id, p) != 0)
            {
                throw new InvalidOperationException("libsodium rejected a validated element.");
            }
        }

        return new Element(this, r);
    }

    private protected override unsafe bool TryDeserializeCore(ReadOnlySpan<byte> encoding, out Element element)
    {
        fixed (byte* p = encoding)
        {
            if (SodiumNative.IsValidPoint(p) != 1)
            {
                element = Identity;
                return false;
            }
        }

        element = new Element(this, encoding.ToArray());
        return true;
    }

    internal override byte[] EncodeCore(Element element) =>
        element.IsIdentity ? (byte[])IdentityEncoding.Clone() : (byte[])element.Representation!.Clone();

    private protected override bool IsCanonicalScalarCore(ReadOnlySpan<byte> scalar)
    {
        // Little-endian comparison with L, from the most significant byte.
        for (var i = 31; i >= 0; i--)
        {
            if (scalar[i] != OrderLittleEndian[i])
            {
                return scalar[i] < OrderLittleEndian[i];
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override unsafe void ScalarAdd(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result)
    {
        CheckAll(a, b, result);
        fixed (byte* z = result)
        fixed (byte* x = a)
        fixed (byte* y = b)
        {
            SodiumNative.ScalarAdd(z, x, y);
        }
    }

    /// <inheritdoc />
    public override unsafe void ScalarSubtract(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result)
    {
        CheckAll(a, b, result);
        fixed (byte* z = result)
        fixed (byte* x = a)
        fixed (byte* y = b)
        {
            SodiumNative.ScalarSub(z, x, y);
        }
    }

    /// <inheritdoc />
    public override unsafe void ScalarMultiply(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result)
    {
        CheckAll(a, b, result);
        fixed (byte* z = result)
        fixed (byte* x = a)
        fixed (byte* y = b)
        {
            SodiumNative.ScalarMul(z, x, y);
        }
    }

    /// <inheritdoc />
    public override unsafe void ScalarNegate(ReadOnlySpan<byte> a, Span<byte> result)
    {
        CheckScalarLength(a);
        CheckScalarLength(result);
        fixed (byte* z = result)
        fixed (byte* x = a)
        {
            SodiumNative.ScalarNegate(z, x);
        }
    }

    /// <inheritdoc />
    public override void ScalarInvertPublic(ReadOnlySpan<byte> a, Span<byte> result)
    {
        CheckScalarLength(a);
        CheckScalarLength(result);
        PublicInverse.Invert(a, OrderGmp, bigEndian: false, result);
    }

    /// <inheritdoc />
    public override void ScalarFromUInt64(ulong value, Span<byte> result)
    {
        CheckScalarLength(result);
        result.Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(result, value);
    }

    /// <inheritdoc />
    public override unsafe void ScalarReduce(ReadOnlySpan<byte> wide, Span<byte> result)
    {
        CheckScalarLength(result);
        if (wide.Length > 64)
        {
            throw new ArgumentException("At most 64 bytes can be reduced.", nameof(wide));
        }

        Span<byte> padded = stackalloc byte[64];
        try
        {
            padded.Clear();
            wide.CopyTo(padded);
            fixed (byte* r = result)
            fixed (byte* s = padded)
            {
                SodiumNative.ScalarReduce(r, s);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
        }
    }

    /// <inheritdoc />
    public override void RandomScalar(IRandomSource random, Span<byte> result)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckScalarLength(result);
        Span<byte> wide = stackalloc byte[64];
        try
        {
            // 512 uniform bits reduced mod L: bias below 2^-259.
            do
            {
                random.Fill(wide);
                ScalarReduce(wide, result);
            }
            while (IsZero(result));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wide);
        }
    }

    private void CheckAll(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result)
    {
        CheckScalarLength(a);
        CheckScalarLength(b);
        CheckScalarLength(result);
    }
}
