using Conclave.Mpc.Transport;

namespace Conclave.Mpc.Tests.Transport;

public sealed class EnvelopeConcurrencyTests : IDisposable
{
    private readonly TestCluster _c = new();

    public void Dispose() => _c.Dispose();

    [Fact]
    public void Many_threads_opening_distinct_sequences_all_succeed_and_a_duplicate_among_them_is_dropped_once()
    {
        // Fewer envelopes than the window, so arrival order cannot push any out of it.
        const int count = 1000;
        var envelopes = new List<byte[]>(count + 1);
        for (var i = 0; i < count; i++)
        {
            envelopes.Add(EnvelopeSealer.Seal(i % 2 == 0 ? _c.A : _c.C, _c.B.PublicIdentity, _c.Session, 1, (ulong)(i / 2), [(byte)i, (byte)(i >> 8)]));
        }

        envelopes.Insert(count / 2, envelopes[7]);
        var opened = new System.Collections.Concurrent.ConcurrentBag<(string Sender, ulong Sequence, byte[] Payload)>();
        var reasons = new System.Collections.Concurrent.ConcurrentBag<DropReason>();

        Parallel.ForEach(envelopes, new ParallelOptions { MaxDegreeOfParallelism = 8 }, e =>
        {
            if (_c.OpenerB.TryOpen(e, out var m, out var reason))
            {
                opened.Add((m.Sender, m.Sequence, m.Payload.ToArray()));
            }
            else
            {
                reasons.Add(reason);
            }
        });

        Assert.Equal(count, opened.Count);
        Assert.Equal(count, opened.Select(o => (o.Sender, o.Sequence)).Distinct().Count());
        Assert.Equal([DropReason.Replay], reasons);
        Assert.Equal(count, _c.OpenerB.OpenedCount);
        Assert.Equal(1, _c.OpenerB.DropCounts[DropReason.Replay]);
        Assert.Equal(1, _c.OpenerB.DropCounts.Values.Sum());
    }

    [Fact]
    public void The_same_envelope_submitted_by_many_threads_at_once_is_accepted_exactly_once()
    {
        const int threads = 16;
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 77, [1, 2, 3]);
        using var start = new Barrier(threads);
        var accepted = 0;

        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            if (_c.OpenerB.TryOpen(envelope, out _, out _))
            {
                Interlocked.Increment(ref accepted);
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());

        Assert.Equal(1, accepted);
        Assert.Equal(threads - 1, _c.OpenerB.DropCounts[DropReason.Replay]);
    }
}
