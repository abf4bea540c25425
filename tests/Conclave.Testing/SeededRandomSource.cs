using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Conclave.Crypto.Random;

namespace Conclave.Testing;

/// <summary>
/// Test-only deterministic randomness: SHA-256(seed ‖ counter) blocks, so a run can be replayed.
/// Each <see cref="Fill"/> call starts a fresh block. Thread-safe (but the order of calls from
/// several threads is not deterministic). Used by sampler tests and to produce the frozen examples
/// under Conclave.Threshold.Tests' TestData/Compat (changing it would change how they are made).
/// </summary>
public sealed class SeededRandomSource : IRandomSource
{
    private readonly byte[] _seed;
    private readonly Lock _gate = new();
    private ulong _counter;

    public SeededRandomSource(string seed)
    {
        _seed = Encoding.UTF8.GetBytes(seed);
    }

    public void Fill(Span<byte> destination)
    {
        lock (_gate)
        {
            Span<byte> input = stackalloc byte[_seed.Length + 8];
            Span<byte> block = stackalloc byte[32];
            _seed.CopyTo(input);
            for (var offset = 0; offset < destination.Length; offset += 32)
            {
                BinaryPrimitives.WriteUInt64BigEndian(input[_seed.Length..], _counter++);
                SHA256.HashData(input, block);
                block[..Math.Min(32, destination.Length - offset)].CopyTo(destination[offset..]);
            }
        }
    }
}
