using Conclave.Crypto.Random;

namespace Conclave.Testing;

/// <summary>Test-only randomness that hands out fixed chunks in order, then fails loudly.</summary>
public sealed class ReplayRandomSource : IRandomSource
{
    private readonly Queue<byte[]> _chunks;

    public ReplayRandomSource(params byte[][] chunks)
    {
        _chunks = new Queue<byte[]>(chunks);
    }

    public int Remaining => _chunks.Count;

    public void Fill(Span<byte> destination)
    {
        var next = _chunks.Dequeue();
        if (next.Length != destination.Length)
        {
            throw new InvalidOperationException($"Replay chunk has {next.Length} bytes, {destination.Length} requested.");
        }

        next.CopyTo(destination);
    }
}
