using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Conclave.Server.Aws;

/// <summary>
/// The handlers of the KMS actions Conclave supports, by action name (<c>GenerateRandom</c>, no
/// <c>TrentService.</c> prefix). Every name must be one of <see cref="KmsActions.All"/>; the KMS
/// actions left out answer UnsupportedOperationException.
/// </summary>
public sealed class KmsActionTable
{
    /// <summary>Builds the table.</summary>
    /// <exception cref="ArgumentException">A name is not a KMS action, is registered twice, or a handler is null.</exception>
    public KmsActionTable(IEnumerable<KeyValuePair<string, KmsActionHandler>> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        var byName = new Dictionary<string, KmsActionHandler>(StringComparer.Ordinal);
        foreach (var (name, handler) in handlers)
        {
            if (name is null || !KmsActions.IsKmsAction(name))
            {
                throw new ArgumentException($"'{name}' is not a KMS action.", nameof(handlers));
            }

            if (handler is null)
            {
                throw new ArgumentException($"The handler of {name} is null.", nameof(handlers));
            }

            if (!byName.TryAdd(name, handler))
            {
                throw new ArgumentException($"{name} is registered twice.", nameof(handlers));
            }
        }

        Handlers = byName.ToFrozenDictionary(StringComparer.Ordinal);
        var unsupported = new List<string>();
        foreach (var action in KmsActions.All)
        {
            if (!Handlers.ContainsKey(action))
            {
                unsupported.Add(action);
            }
        }

        UnsupportedActions = unsupported.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>A table with no handler: every KMS action is unsupported.</summary>
    public static KmsActionTable Empty { get; } = new([]);

    /// <summary>The handlers by action name.</summary>
    public FrozenDictionary<string, KmsActionHandler> Handlers { get; }

    /// <summary>The KMS actions with no handler (they answer UnsupportedOperationException).</summary>
    public FrozenSet<string> UnsupportedActions { get; }

    /// <summary>Finds the handler of <paramref name="action"/>.</summary>
    public bool TryGetHandler(string action, [MaybeNullWhen(false)] out KmsActionHandler handler) =>
        Handlers.TryGetValue(action, out handler);
}
