using System.Collections.Concurrent;
using Conclave.Kms.Api;

namespace Conclave.Kms.Policies;

/// <summary>
/// Evaluates key policies, keeping parsed policies in a bounded cache keyed by the policy document
/// (most keys share a handful of documents, the default policy of each account above all), so a
/// request costs a dictionary lookup and an allocation-free walk of the statements.
/// Thread-safe; one instance per service.
/// </summary>
public sealed class KeyPolicyEvaluator
{
    /// <summary>The default number of cached documents.</summary>
    public const int DefaultCapacity = 4096;

    private static readonly KeyPolicy Unparsable = KeyPolicy.Parse("""{"Statement":{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}}""");

    private readonly ConcurrentDictionary<string, KeyPolicy> _cache = new(StringComparer.Ordinal);
    private readonly int _capacity;

    /// <summary>Creates an evaluator caching at most <paramref name="capacity"/> parsed documents.</summary>
    public KeyPolicyEvaluator(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Parses (or fetches from the cache) <paramref name="document"/>; throws MalformedPolicyDocumentException.</summary>
    public KeyPolicy Parse(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (_cache.TryGetValue(document, out var cached))
        {
            return cached;
        }

        var policy = KeyPolicy.Parse(document);
        Remember(document, policy);
        return policy;
    }

    /// <summary>
    /// The decision of <paramref name="document"/> for <paramref name="request"/>. A stored document
    /// that does not parse (it was validated when stored, so only by corruption) denies everything.
    /// </summary>
    public PolicyDecision Evaluate(string document, in PolicyRequest request)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!_cache.TryGetValue(document, out var policy))
        {
            try
            {
                policy = KeyPolicy.Parse(document);
            }
            catch (KmsException)
            {
                policy = Unparsable;
            }

            Remember(document, policy);
        }

        return policy.Evaluate(request);
    }

    private void Remember(string document, KeyPolicy policy)
    {
        if (_cache.Count >= _capacity)
        {
            // Simple bound: start over. Documents are few in practice, so this is rare, and a miss costs one parse.
            _cache.Clear();
        }

        _cache.TryAdd(document, policy);
    }
}
