namespace Conclave.Mpc.Coordination;

/// <summary>
/// The coordinator's index of presignatures ready on the nodes: per (wallet, signer set), the ids
/// (public) in the order they were made. No secret lives here; a taken id is gone from the index
/// whatever then happens to the sign, so no id is handed out twice.
/// </summary>
internal sealed class PresignaturePool
{
    private readonly Dictionary<string, Queue<string>> _ids = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _total;

    /// <summary>Presignatures indexed, over every wallet.</summary>
    public int Total => Volatile.Read(ref _total);

    public static string KeyOf(string walletId, IReadOnlyList<string> signers) => walletId + "\n" + string.Join(',', signers);

    public void Add(string walletId, IReadOnlyList<string> signers, string presignatureId)
    {
        lock (_lock)
        {
            var key = KeyOf(walletId, signers);
            if (!_ids.TryGetValue(key, out var queue))
            {
                _ids[key] = queue = new Queue<string>();
            }

            queue.Enqueue(presignatureId);
            _total++;
        }
    }

    public bool TryTake(string walletId, IReadOnlyList<string> signers, out string presignatureId)
    {
        lock (_lock)
        {
            if (_ids.TryGetValue(KeyOf(walletId, signers), out var queue) && queue.TryDequeue(out var id))
            {
                _total--;
                presignatureId = id;
                return true;
            }

            presignatureId = string.Empty;
            return false;
        }
    }

    public int Count(string walletId, IReadOnlyList<string> signers)
    {
        lock (_lock)
        {
            return _ids.TryGetValue(KeyOf(walletId, signers), out var queue) ? queue.Count : 0;
        }
    }

    /// <summary>The ids indexed for (<paramref name="walletId"/>, <paramref name="signers"/>), oldest first (tests).</summary>
    public IReadOnlyList<string> Ids(string walletId, IReadOnlyList<string> signers)
    {
        lock (_lock)
        {
            return _ids.TryGetValue(KeyOf(walletId, signers), out var queue) ? [.. queue] : [];
        }
    }

    /// <summary>Forgets every id of <paramref name="walletId"/> (all signer sets).</summary>
    public void Forget(string walletId)
    {
        lock (_lock)
        {
            foreach (var key in _ids.Keys.Where(k => k.StartsWith(walletId + "\n", StringComparison.Ordinal)).ToList())
            {
                _total -= _ids[key].Count;
                _ids.Remove(key);
            }
        }
    }
}
