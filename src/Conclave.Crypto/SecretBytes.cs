using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Conclave.Crypto;

/// <summary>
/// A secret byte string (a scalar, a nonce, a share) held in a pinned array that is wiped with
/// <see cref="CryptographicOperations.ZeroMemory"/> on <see cref="Dispose"/>. It never prints its
/// contents and has no value equality.
/// </summary>
[DebuggerDisplay("SecretBytes({Length} bytes, redacted)")]
public sealed class SecretBytes : IDisposable
{
    private readonly byte[] _bytes;
    private bool _disposed;

    private SecretBytes(int length)
    {
        _bytes = GC.AllocateArray<byte>(length, pinned: true);
    }

    /// <summary>Number of bytes.</summary>
    public int Length => _bytes.Length;

    /// <summary>Whether the secret was wiped.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>The secret bytes; throws once disposed.</summary>
    public ReadOnlySpan<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _bytes;
        }
    }

    /// <summary>Copies <paramref name="value"/> into a new secret buffer.</summary>
    public static SecretBytes Copy(ReadOnlySpan<byte> value)
    {
        var s = new SecretBytes(value.Length);
        value.CopyTo(s._bytes);
        return s;
    }

    /// <summary>Allocates a zeroed secret of <paramref name="length"/> bytes and lets <paramref name="fill"/> write it.</summary>
    public static SecretBytes Create<TState>(int length, TState state, SpanAction<byte, TState> fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        var s = new SecretBytes(length);
        try
        {
            fill(s._bytes, state);
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>Wipes the secret.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_bytes);
            _disposed = true;
        }
    }

    /// <inheritdoc />
    public override string ToString() => "<redacted>";
}
