using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Native;
using Conclave.Crypto.Random;

namespace Conclave.Crypto.Groups;

/// <summary>
/// secp256k1 through libsecp256k1. Elements are kept in libsecp256k1's opaque 64-byte
/// <c>secp256k1_pubkey</c> form and serialized as 33-byte compressed SEC1 points; scalars are
/// 32-byte big-endian integers below n. Secret scalar arithmetic goes through libsecp256k1's
/// constant-time <c>seckey_tweak_*</c> functions; zero, which libsecp256k1 cannot hold as a key,
/// is handled explicitly (only the event "this scalar is zero" is visible in timing).
/// </summary>
public sealed class Secp256k1Group : PrimeOrderGroup
{
    private static readonly byte[] OrderBytes = Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");

    // n as a GMP integer (immutable; for inverting public values).
    private static readonly GmpInteger OrderGmp = GmpInteger.FromBytes(OrderBytes);

    // 2^128 as a big-endian scalar, for reducing wide inputs with constant-time library calls.
    private static readonly byte[] TwoPow128 = Convert.FromHexString("0000000000000000000000000000000100000000000000000000000000000000");

    private readonly Element _generator;

    private Secp256k1Group()
    {
        Context = Secp256k1Native.ContextCreate(Secp256k1Native.ContextNone);
        if (Context == 0)
        {
            throw new CryptographicException("libsecp256k1 context creation failed.");
        }

        unsafe
        {
            // Blinding for side-channel protection of base-point multiplication.
            Span<byte> seed = stackalloc byte[32];
            RandomNumberGenerator.Fill(seed);
            fixed (byte* s = seed)
            {
                if (Secp256k1Native.ContextRandomize(Context, s) != 1)
                {
                    throw new CryptographicException("libsecp256k1 context randomization failed.");
                }
            }

            CryptographicOperations.ZeroMemory(seed);
        }

        Span<byte> one = stackalloc byte[32];
        one[31] = 1;
        _generator = MultiplyBaseCore(one);
    }

    /// <summary>The group (stateless apart from the immutable library context).</summary>
    public static Secp256k1Group Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "secp256k1";

    /// <inheritdoc />
    public override int ElementLength => 33;

    /// <inheritdoc />
    public override Element Generator => _generator;

    /// <summary>The libsecp256k1 context (created once, randomized, then only read).</summary>
    internal nint Context { get; }

    /// <summary>Whether the element's y coordinate is even (BIP-340 "has_even_y"); the identity counts as even.</summary>
    public static bool HasEvenY(Element element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return element.IsIdentity || element.Encoding[0] == 0x02;
    }

    /// <summary>The 32-byte x coordinate of a non-identity element (BIP-340 bytes(P)).</summary>
    public static byte[] XOnly(Element element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (element.IsIdentity)
        {
            throw new ArgumentException("The identity has no x coordinate.", nameof(element));
        }

        return element.Encoding[1..].ToArray();
    }

    /// <summary>lift_x (BIP-340): the point with even y and the given x coordinate.</summary>
    public bool TryLiftX(ReadOnlySpan<byte> x, out Element element)
    {
        if (x.Length != 32)
        {
            element = Identity;
            return false;
        }

        Span<byte> enc = stackalloc byte[33];
        enc[0] = 0x02;
        x.CopyTo(enc[1..]);
        return TryDeserializeCore(enc, out element);
    }

    // ---- Elements ---------------------------------------------------------------------------

    private protected override unsafe Element MultiplyBaseCore(ReadOnlySpan<byte> scalar)
    {
        var pk = new byte[Secp256k1Native.PubkeySize];
        fixed (byte* p = pk)
        fixed (byte* s = scalar)
        {
            if (Secp256k1Native.PubkeyCreate(Context, p, s) != 1)
            {
                throw new ArgumentException("Scalar out of range.", nameof(scalar));
            }
        }

        return new Element(this, pk);
    }

    /// <remarks>
    /// libsecp256k1's <c>pubkey_tweak_mul</c> is variable time, so a secret scalar goes through
    /// <c>secp256k1_ecdh</c> (the constant-time ladder) with a callback that returns the whole point.
    /// </remarks>
    private protected override unsafe Element MultiplyCore(Element point, ReadOnlySpan<byte> scalar)
    {
        Span<byte> uncompressed = stackalloc byte[65];
        fixed (byte* o = uncompressed)
        fixed (byte* p = point.Representation)
        fixed (byte* s = scalar)
        {
            if (Secp256k1Native.Ecdh(Context, o, p, s, &WriteUncompressedPoint, 0) != 1)
            {
                throw new ArgumentException("Scalar out of range.", nameof(scalar));
            }
        }

        var pk = new byte[Secp256k1Native.PubkeySize];
        fixed (byte* p = pk)
        fixed (byte* u = uncompressed)
        {
            if (Secp256k1Native.PubkeyParse(Context, p, u, 65) != 1)
            {
                throw new InvalidOperationException("libsecp256k1 returned an invalid point.");
            }
        }

        return new Element(this, pk);
    }

    private protected override unsafe Element MultiplyPublicCore(Element point, ReadOnlySpan<byte> scalar)
    {
        var pk = (byte[])point.Representation!.Clone();
        fixed (byte* p = pk)
        fixed (byte* s = scalar)
        {
            if (Secp256k1Native.PubkeyTweakMul(Context, p, s) != 1)
            {
                throw new ArgumentException("Scalar out of range.", nameof(scalar));
            }
        }

        return new Element(this, pk);
    }

    /// <summary>The ECDH "hash" callback: copies 0x04 || x || y (the product is public to the caller).</summary>
    [UnmanagedCallersOnly]
    private static unsafe int WriteUncompressedPoint(byte* output, byte* x32, byte* y32, nint data)
    {
        _ = data;
        output[0] = 0x04;
        new ReadOnlySpan<byte>(x32, 32).CopyTo(new Span<byte>(output + 1, 32));
        new ReadOnlySpan<byte>(y32, 32).CopyTo(new Span<byte>(output + 33, 32));
        return 1;
    }

    private protected override unsafe Element AddCore(Element a, Element b)
    {
        var sum = new byte[Secp256k1Native.PubkeySize];
        fixed (byte* r = sum)
        fixed (byte* pa = a.Representation)
        fixed (byte* pb = b.Representation)
        {
            var ins = stackalloc byte*[2];
            ins[0] = pa;
            ins[1] = pb;

            // combine fails only when the sum is the point at infinity.
            return Secp256k1Native.PubkeyCombine(Context, r, ins, 2) == 1 ? new Element(this, sum) : Identity;
        }
    }

    private protected override unsafe Element NegateCore(Element point)
    {
        var pk = (byte[])point.Representation!.Clone();
        fixed (byte* p = pk)
        {
            _ = Secp256k1Native.PubkeyNegate(Context, p);
        }

        return new Element(this, pk);
    }

    private protected override unsafe bool TryDeserializeCore(ReadOnlySpan<byte> encoding, out Element element)
    {
        element = Identity;

        // Compressed SEC1 only: 0x02/0x03 prefix. libsecp256k1 rejects x >= p and x with no square root.
        if (encoding[0] is not (0x02 or 0x03))
        {
            return false;
        }

        var pk = new byte[Secp256k1Native.PubkeySize];
        fixed (byte* p = pk)
        fixed (byte* e = encoding)
        {
            if (Secp256k1Native.PubkeyParse(Context, p, e, (nuint)encoding.Length) != 1)
            {
                return false;
            }
        }

        element = new Element(this, pk);
        return true;
    }

    internal override unsafe byte[] EncodeCore(Element element)
    {
        if (element.IsIdentity)
        {
            return new byte[1]; // SEC1 encodes the point at infinity as a single zero byte.
        }

        var output = new byte[33];
        nuint len = 33;
        fixed (byte* o = output)
        fixed (byte* p = element.Representation)
        {
            _ = Secp256k1Native.PubkeySerialize(Context, o, &len, p, Secp256k1Native.EcCompressed);
        }

        return output;
    }

    // ---- Scalars ----------------------------------------------------------------------------

    private protected override bool IsCanonicalScalarCore(ReadOnlySpan<byte> scalar) =>
        scalar.SequenceCompareTo(OrderBytes) < 0;

    /// <inheritdoc />
    public override unsafe void ScalarAdd(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result)
    {
        CheckScalarLength(a);
        CheckScalarLength(b);
        CheckScalarLength(result);
        if (IsZero(a))
        {
            b.CopyTo(result);
            return;
        }

        if (IsZero(b))
        {
            a.CopyTo(result);
            return;
        }

        Span<byte> tmp = stackalloc byte[32];
        try
        {
            a.CopyTo(tmp);
            fixed (byte* t = tmp)
            fixed (byte* pb = b)
            {
                // Fails only when a + b = 0 mod n (inputs are canonical and non-zero).
                if (Secp256k1Native.SeckeyTweakAdd(Context, t, pb) != 1)
                {
                    tmp.Clear();
                }
            }

            tmp.CopyTo(result);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tmp);
        }
    }

    /// <inheritdoc />
    public override void ScalarSubtract(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result)
    {
        Span<byte> negB = stackalloc byte[32];
        try
        {
            ScalarNegate(b, negB);
            ScalarAdd(a, negB, result);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(negB);
        }
    }

    /// <inheritdoc />
    public override unsafe void ScalarMultiply(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result)
    {
        CheckScalarLength(a);
        CheckScalarLength(b);
        CheckScalarLength(result);
        if (IsZero(a) || IsZero(b))
        {
            result.Clear();
            return;
        }

        Span<byte> tmp = stackalloc byte[32];
        try
        {
            a.CopyTo(tmp);
            fixed (byte* t = tmp)
            fixed (byte* pb = b)
            {
                if (Secp256k1Native.SeckeyTweakMul(Context, t, pb) != 1)
                {
                    throw new ArgumentException("Scalar out of range.");
                }
            }

            tmp.CopyTo(result);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tmp);
        }
    }

    /// <inheritdoc />
    public override unsafe void ScalarNegate(ReadOnlySpan<byte> a, Span<byte> result)
    {
        CheckScalarLength(a);
        CheckScalarLength(result);
        if (IsZero(a))
        {
            result.Clear();
            return;
        }

        a.CopyTo(result);
        fixed (byte* r = result)
        {
            if (Secp256k1Native.SeckeyNegate(Context, r) != 1)
            {
                result.Clear();
                throw new ArgumentException("Scalar out of range.");
            }
        }
    }

    /// <inheritdoc />
    public override void ScalarInvertPublic(ReadOnlySpan<byte> a, Span<byte> result)
    {
        CheckScalarLength(a);
        CheckScalarLength(result);
        PublicInverse.Invert(a, OrderGmp, bigEndian: true, result);
    }

    /// <inheritdoc />
    public override void ScalarFromUInt64(ulong value, Span<byte> result)
    {
        CheckScalarLength(result);
        result.Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(result[24..], value);
    }

    /// <inheritdoc />
    /// <remarks>Horner's rule over 16-byte limbs (each below n) with constant-time library calls.</remarks>
    public override void ScalarReduce(ReadOnlySpan<byte> wide, Span<byte> result)
    {
        CheckScalarLength(result);
        if (wide.Length > 64)
        {
            throw new ArgumentException("At most 64 bytes can be reduced.", nameof(wide));
        }

        var limbs = (wide.Length + 15) / 16;
        Span<byte> padded = stackalloc byte[64];
        Span<byte> acc = stackalloc byte[32];
        Span<byte> limb = stackalloc byte[32];
        try
        {
            padded.Clear();
            wide.CopyTo(padded[((limbs * 16) - wide.Length)..]);
            acc.Clear();
            for (var i = 0; i < limbs; i++)
            {
                ScalarMultiply(acc, TwoPow128, acc);
                limb.Clear();
                padded.Slice(i * 16, 16).CopyTo(limb[16..]);
                ScalarAdd(acc, limb, acc);
            }

            acc.CopyTo(result);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
            CryptographicOperations.ZeroMemory(acc);
            CryptographicOperations.ZeroMemory(limb);
        }
    }

    /// <inheritdoc />
    public override void RandomScalar(IRandomSource random, Span<byte> result)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckScalarLength(result);

        // Rejection sampling: the probability of a retry is about 2^-128.
        do
        {
            random.Fill(result);
        }
        while (!IsCanonicalScalarCore(result) || IsZero(result));
    }
}
