using System.Diagnostics;
using Conclave.Crypto;
using Conclave.Kms.Tenants;

namespace Conclave.Server.Tenants;

/// <summary>
/// An in-memory <see cref="IPrincipalDirectory"/> for the embedded server and tests: principals and
/// their secret access keys (held in <see cref="SecretBytes"/>, wiped on <see cref="Dispose"/>) are
/// added at startup. Not durable; the store-backed directory replaces it.
/// </summary>
[DebuggerDisplay("StaticPrincipalDirectory({Count} principals)")]
public sealed class StaticPrincipalDirectory : IPrincipalDirectory, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (KmsPrincipal Principal, SecretBytes Secret)> _entries = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Number of principals.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Adds <paramref name="principal"/> with its secret access key (UTF-8 bytes, copied).</summary>
    /// <exception cref="ArgumentException">The access key id is already present, or the secret is empty.</exception>
    public void Add(KmsPrincipal principal, ReadOnlySpan<byte> secretAccessKey)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (secretAccessKey.IsEmpty)
        {
            throw new ArgumentException("The secret access key is empty.", nameof(secretAccessKey));
        }

        var secret = SecretBytes.Copy(secretAccessKey);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_entries.TryAdd(principal.AccessKeyId, (principal, secret)))
            {
                secret.Dispose();
                throw new ArgumentException($"Access key id {principal.AccessKeyId} is already present.", nameof(principal));
            }
        }
    }

    /// <summary>Removes the principal with <paramref name="accessKeyId"/> and wipes its secret; false when absent.</summary>
    public bool Remove(string accessKeyId)
    {
        ArgumentNullException.ThrowIfNull(accessKeyId);
        lock (_lock)
        {
            if (!_entries.Remove(accessKeyId, out var entry))
            {
                return false;
            }

            entry.Secret.Dispose();
            return true;
        }
    }

    /// <inheritdoc />
    public ValueTask<(KmsPrincipal Principal, SecretBytes SecretAccessKey)?> FindAsync(string accessKeyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accessKeyId);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            (KmsPrincipal, SecretBytes)? found = _entries.TryGetValue(accessKeyId, out var entry)
                ? (entry.Principal, SecretBytes.Copy(entry.Secret.Span))
                : null;
            return ValueTask.FromResult(found);
        }
    }

    /// <summary>Wipes every secret.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var entry in _entries.Values)
            {
                entry.Secret.Dispose();
            }

            _entries.Clear();
            _disposed = true;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"StaticPrincipalDirectory({Count} principals)";
}
