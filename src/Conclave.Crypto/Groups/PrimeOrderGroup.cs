using Conclave.Crypto.Random;

namespace Conclave.Crypto.Groups;

/// <summary>
/// A prime-order group with its scalar field, as RFC 9591 §3.1 describes it. Scalars are passed as
/// canonical <see cref="ScalarLength"/>-byte encodings in the group's own byte order
/// (little-endian for Ed25519, big-endian for secp256k1); implementations never keep copies of
/// scalar inputs, so the caller owns (and wipes) secret scalars.
/// </summary>
public abstract class PrimeOrderGroup
{
    /// <summary>Creates the group.</summary>
    private protected PrimeOrderGroup()
    {
        Identity = new Element(this, null);
    }

    /// <summary>Short name ("ed25519", "secp256k1").</summary>
    public abstract string Name { get; }

    /// <summary>Ns: bytes in a serialized scalar.</summary>
    public virtual int ScalarLength => 32;

    /// <summary>Ne: bytes in a serialized element.</summary>
    public abstract int ElementLength { get; }

    /// <summary>The fixed generator.</summary>
    public abstract Element Generator { get; }

    /// <summary>The identity element.</summary>
    public Element Identity { get; }

    // ---- Elements ---------------------------------------------------------------------------

    /// <summary>scalar * G. Constant time in the scalar.</summary>
    public Element MultiplyBase(ReadOnlySpan<byte> scalar)
    {
        CheckScalarLength(scalar);
        return IsZero(scalar) ? Identity : MultiplyBaseCore(scalar);
    }

    /// <summary>scalar * P for a secret scalar: constant time in the scalar.</summary>
    public Element Multiply(Element point, ReadOnlySpan<byte> scalar)
    {
        CheckElement(point);
        CheckScalarLength(scalar);
        return point.IsIdentity || IsZero(scalar) ? Identity : MultiplyCore(point, scalar);
    }

    /// <summary>
    /// scalar * P for a PUBLIC scalar (binding factors, challenges, Lagrange coefficients,
    /// identifiers): may run in variable time, which is faster on secp256k1. Never pass a secret.
    /// </summary>
    public Element MultiplyPublic(Element point, ReadOnlySpan<byte> scalar)
    {
        CheckElement(point);
        CheckScalarLength(scalar);
        return point.IsIdentity || IsZero(scalar) ? Identity : MultiplyPublicCore(point, scalar);
    }

    /// <summary>a + b.</summary>
    public Element Add(Element a, Element b)
    {
        CheckElement(a);
        CheckElement(b);
        if (a.IsIdentity)
        {
            return b;
        }

        return b.IsIdentity ? a : AddCore(a, b);
    }

    /// <summary>The sum of all <paramref name="elements"/> (the identity for none).</summary>
    public Element Sum(IEnumerable<Element> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var acc = Identity;
        foreach (var e in elements)
        {
            acc = Add(acc, e);
        }

        return acc;
    }

    /// <summary>-P.</summary>
    public Element Negate(Element point)
    {
        CheckElement(point);
        return point.IsIdentity ? point : NegateCore(point);
    }

    /// <summary>a - b.</summary>
    public Element Subtract(Element a, Element b) => Add(a, Negate(b));

    /// <summary>
    /// SerializeElement (RFC 9591 §3.1): the canonical encoding. Fails on the identity, which no
    /// protocol message may carry.
    /// </summary>
    public byte[] SerializeElement(Element element)
    {
        CheckElement(element);
        if (element.IsIdentity)
        {
            throw new ArgumentException("The identity element cannot be serialized.", nameof(element));
        }

        return element.Encoding.ToArray();
    }

    /// <summary>Writes the canonical encoding of a non-identity element into <paramref name="destination"/>.</summary>
    public int SerializeElement(Element element, Span<byte> destination)
    {
        CheckElement(element);
        if (element.IsIdentity)
        {
            throw new ArgumentException("The identity element cannot be serialized.", nameof(element));
        }

        element.Encoding.CopyTo(destination);
        return ElementLength;
    }

    /// <summary>
    /// DeserializeElement (RFC 9591 §3.1): accepts only a canonical encoding of a point on the
    /// curve, in the prime-order subgroup, that is not the identity.
    /// </summary>
    public bool TryDeserializeElement(ReadOnlySpan<byte> encoding, out Element element)
    {
        if (encoding.Length != ElementLength)
        {
            element = Identity;
            return false;
        }

        return TryDeserializeCore(encoding, out element);
    }

    /// <summary>Like <see cref="TryDeserializeElement"/> but throws <see cref="FormatException"/> on invalid input.</summary>
    public Element DeserializeElement(ReadOnlySpan<byte> encoding) =>
        TryDeserializeElement(encoding, out var e)
            ? e
            : throw new FormatException($"Not a valid {Name} group element encoding (must be {ElementLength} canonical bytes of a prime-order, non-identity point).");

    // ---- Scalars ----------------------------------------------------------------------------

    /// <summary>Whether <paramref name="scalar"/> is a canonical encoding (length Ns, value below the group order).</summary>
    public bool IsCanonicalScalar(ReadOnlySpan<byte> scalar) => scalar.Length == ScalarLength && IsCanonicalScalarCore(scalar);

    /// <summary>Throws <see cref="FormatException"/> unless <paramref name="scalar"/> is canonical.</summary>
    public void ValidateScalar(ReadOnlySpan<byte> scalar)
    {
        if (!IsCanonicalScalar(scalar))
        {
            throw new FormatException($"Not a canonical {Name} scalar (must be {ScalarLength} bytes encoding a value below the group order).");
        }
    }

    /// <summary>r = a + b mod order.</summary>
    public abstract void ScalarAdd(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result);

    /// <summary>r = a - b mod order.</summary>
    public abstract void ScalarSubtract(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result);

    /// <summary>r = a * b mod order.</summary>
    public abstract void ScalarMultiply(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result);

    /// <summary>r = -a mod order.</summary>
    public abstract void ScalarNegate(ReadOnlySpan<byte> a, Span<byte> result);

    /// <summary>r = 1/a mod order. Variable time: only for public values (Lagrange coefficients).</summary>
    public abstract void ScalarInvertPublic(ReadOnlySpan<byte> a, Span<byte> result);

    /// <summary>The scalar with integer value <paramref name="value"/>.</summary>
    public abstract void ScalarFromUInt64(ulong value, Span<byte> result);

    /// <summary>
    /// Interprets <paramref name="wide"/> (up to 64 bytes) as an integer in the group's byte order
    /// and reduces it modulo the order (RFC 9591 §6.x H1..H5 use this on hash outputs).
    /// </summary>
    public abstract void ScalarReduce(ReadOnlySpan<byte> wide, Span<byte> result);

    /// <summary>A uniformly random non-zero scalar.</summary>
    public abstract void RandomScalar(IRandomSource random, Span<byte> result);

    /// <summary>Whether the scalar is zero (constant time over its bytes).</summary>
    public static bool IsZero(ReadOnlySpan<byte> scalar)
    {
        var acc = 0;
        foreach (var b in scalar)
        {
            acc |= b;
        }

        return acc == 0;
    }

    /// <summary>Creates a new scalar buffer of the right size.</summary>
    public byte[] NewScalar() => new byte[ScalarLength];

    // ---- Implementation hooks ---------------------------------------------------------------

    private protected abstract Element MultiplyBaseCore(ReadOnlySpan<byte> scalar);

    private protected abstract Element MultiplyCore(Element point, ReadOnlySpan<byte> scalar);

    /// <summary>Variable-time multiplication for public scalars; by default the constant-time one.</summary>
    private protected virtual Element MultiplyPublicCore(Element point, ReadOnlySpan<byte> scalar) => MultiplyCore(point, scalar);

    private protected abstract Element AddCore(Element a, Element b);

    private protected abstract Element NegateCore(Element point);

    private protected abstract bool TryDeserializeCore(ReadOnlySpan<byte> encoding, out Element element);

    private protected abstract bool IsCanonicalScalarCore(ReadOnlySpan<byte> scalar);

    /// <summary>Encodes any element, including the identity, for equality and hashing.</summary>
    internal abstract byte[] EncodeCore(Element element);

    private protected void CheckScalarLength(ReadOnlySpan<byte> scalar)
    {
        if (scalar.Length != ScalarLength)
        {
            throw new ArgumentException($"A {Name} scalar is {ScalarLength} bytes.", nameof(scalar));
        }
    }

    private void CheckElement(Element element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (!ReferenceEquals(element.Group, this))
        {
            throw new ArgumentException($"The element belongs to {element.Group.Name}, not {Name}.", nameof(element));
        }
    }
}
