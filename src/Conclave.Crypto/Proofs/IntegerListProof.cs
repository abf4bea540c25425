using Conclave.Crypto.BigNumbers;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// A proof whose encoding is the common header (version, kind) followed by a fixed list of
/// integers (Π^fac, Π^enc, Π^dec, Π^mul). Owns the integers and frees them on dispose.
/// </summary>
public abstract class IntegerListProof : EncodedProof, IDisposable
{
    private readonly byte _kind;

    private protected IntegerListProof(byte kind, GmpInteger[] values)
    {
        _kind = kind;
        Values = values;
    }

    /// <summary>The proof's integers, in encoding order.</summary>
    private protected GmpInteger[] Values { get; }

    /// <summary>Length of the encoding.</summary>
    public override int GetSerializedLength()
    {
        var length = ProofWriter.HeaderSize;
        foreach (var v in Values)
        {
            length += ProofWriter.SizeOf(v);
        }

        return length;
    }

    /// <summary>Frees the native numbers.</summary>
    public void Dispose()
    {
        ProofHelpers.DisposeAll(Values);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Reads the header of <paramref name="kind"/> and exactly <paramref name="count"/> integers
    /// (negative only where <paramref name="allowNegative"/> says so), with no trailing byte; null
    /// (and nothing leaked) otherwise.
    /// </summary>
    private protected static GmpInteger[]? TryReadValues(ReadOnlySpan<byte> source, byte kind, int count, Func<int, bool> allowNegative)
    {
        var reader = new ProofReader(source);
        if (!reader.TryReadHeader(kind))
        {
            return null;
        }

        var values = new GmpInteger?[count];
        var ok = true;
        for (var i = 0; i < count && ok; i++)
        {
            ok = reader.TryReadInteger(allowNegative(i), out values[i]);
        }

        if (!ok || !reader.IsAtEnd)
        {
            ProofHelpers.DisposeAll(values);
            return null;
        }

        return [.. values.Select(v => v!)];
    }

    private protected override void WriteCore(Span<byte> destination)
    {
        var writer = new ProofWriter(destination);
        writer.WriteHeader(_kind);
        foreach (var v in Values)
        {
            writer.WriteInteger(v);
        }
    }
}
