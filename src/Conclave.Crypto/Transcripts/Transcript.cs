using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;

namespace Conclave.Crypto.Transcripts;

/// <summary>
/// A Fiat-Shamir transcript with an unambiguous encoding (every item is a length-prefixed label
/// followed by a type tag and a length-prefixed value), so two different sequences of inputs never
/// hash alike (the TSSHOCK class of attacks exploits ambiguous encodings). Challenges are drawn from
/// SHA-512 in counter mode over the hash of everything appended so far, and are appended back.
/// Callers bind the protocol, session id, party ids and every public input before drawing.
/// </summary>
public sealed class Transcript : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);

    /// <summary>Starts a transcript for <paramref name="protocol"/> (a fixed, versioned name such as "conclave/cggmp21/pi-mod/v1").</summary>
    public Transcript(string protocol)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        Append("protocol", Encoding.UTF8.GetBytes(protocol));
    }

    /// <summary>Appends bytes.</summary>
    public void Append(string label, ReadOnlySpan<byte> data) => AppendItem(label, (byte)'b', data);

    /// <summary>Appends a 64-bit unsigned integer.</summary>
    public void Append(string label, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        AppendItem(label, (byte)'u', b);
    }

    /// <summary>Appends a signed big integer (sign byte, then the big-endian magnitude).</summary>
    public void Append(string label, GmpInteger value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var magnitude = value.ToBytes();
        var item = new byte[1 + magnitude.Length];
        item[0] = value.IsNegative ? (byte)1 : (byte)0;
        magnitude.CopyTo(item, 1);
        AppendItem(label, (byte)'i', item);
    }

    /// <summary>Appends a group element (its group name and canonical encoding; the identity has its own tag).</summary>
    public void Append(string label, Element element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var name = Encoding.UTF8.GetBytes(element.Group.Name);
        var enc = element.Encoding;
        var item = new byte[1 + name.Length + enc.Length];
        item[0] = (byte)name.Length;
        name.CopyTo(item, 1);
        enc.CopyTo(item.AsSpan(1 + name.Length));
        AppendItem(label, element.IsIdentity ? (byte)'0' : (byte)'e', item);
    }

    /// <summary>Fills <paramref name="destination"/> with challenge bytes and appends them to the transcript.</summary>
    public void ChallengeBytes(string label, Span<byte> destination)
    {
        Span<byte> seed = stackalloc byte[64];
        _hash.GetCurrentHash(seed);
        var labelBytes = Encoding.UTF8.GetBytes(label);
        Span<byte> block = stackalloc byte[64];
        Span<byte> len = stackalloc byte[4];
        var counter = 0u;
        for (var offset = 0; offset < destination.Length; offset += 64, counter++)
        {
            using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            h.AppendData(seed);
            h.AppendData("conclave/challenge"u8);
            BinaryPrimitives.WriteUInt32BigEndian(len, (uint)labelBytes.Length);
            h.AppendData(len);
            h.AppendData(labelBytes);
            BinaryPrimitives.WriteUInt32BigEndian(len, (uint)destination.Length);
            h.AppendData(len);
            BinaryPrimitives.WriteUInt32BigEndian(len, counter);
            h.AppendData(len);
            h.GetHashAndReset(block);
            block[..Math.Min(64, destination.Length - offset)].CopyTo(destination[offset..]);
        }

        AppendItem(label, (byte)'c', destination);
    }

    /// <summary>A challenge integer uniform in [0, bound) (rejection sampling over the challenge stream).</summary>
    public GmpInteger ChallengeBelow(string label, GmpInteger bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        if (bound.CompareTo(0) <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), "The bound must be positive.");
        }

        var bits = bound.BitLength;
        var bytes = new byte[(bits + 7) / 8];
        for (var attempt = 0u; ; attempt++)
        {
            ChallengeBytes($"{label}#{attempt}", bytes);
            bytes[0] &= (byte)(0xFF >> ((bytes.Length * 8) - bits));
            var x = GmpInteger.FromBytes(bytes);
            if (x.CompareTo(bound) < 0)
            {
                return x;
            }

            x.Dispose();
        }
    }

    /// <summary>A challenge integer uniform in [-bound, bound].</summary>
    public GmpInteger ChallengeSigned(string label, GmpInteger bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        using var twice = GmpInteger.ShiftLeft(bound, 1);
        using var one = GmpInteger.FromUInt64(1);
        using var width = GmpInteger.Add(twice, one);
        using var u = ChallengeBelow(label, width);
        return GmpInteger.Subtract(u, bound);
    }

    /// <summary>A challenge bit string of <paramref name="count"/> bits (e.g. Π^prm's e_i ∈ {0,1}).</summary>
    public bool[] ChallengeBits(string label, int count)
    {
        var bytes = new byte[(count + 7) / 8];
        ChallengeBytes(label, bytes);
        var bits = new bool[count];
        for (var i = 0; i < count; i++)
        {
            bits[i] = ((bytes[i / 8] >> (i % 8)) & 1) == 1;
        }

        return bits;
    }

    /// <summary>Releases the hash state.</summary>
    public void Dispose() => _hash.Dispose();

    private void AppendItem(string label, byte type, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(label);
        var labelBytes = Encoding.UTF8.GetBytes(label);
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)labelBytes.Length);
        _hash.AppendData(header);
        _hash.AppendData(labelBytes);
        _hash.AppendData([type]);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(len, (ulong)value.Length);
        _hash.AppendData(len);
        _hash.AppendData(value);
    }
}
