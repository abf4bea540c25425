using System.Collections.Concurrent;
using Conclave.Crypto;
using Conclave.Kms.Crypto;

namespace Conclave.Kms.Tests.Crypto;

/// <summary>One generated key per spec, shared by the tests (RSA_4096 generation takes seconds).</summary>
internal static class GeneratedKeys
{
    private static readonly ConcurrentDictionary<string, Lazy<SecretBytes>> Keys = new(StringComparer.Ordinal);

    public static SecretBytes For(string keySpec) =>
        Keys.GetOrAdd(keySpec, spec => new Lazy<SecretBytes>(() => KeyMaterialGenerator.Generate(spec))).Value;
}
