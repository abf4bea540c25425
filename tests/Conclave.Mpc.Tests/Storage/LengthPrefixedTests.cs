using Conclave.Mpc.Storage.Internal;

namespace Conclave.Mpc.Tests.Storage;

/// <summary>The share store's associated data and wrap contexts, pinned: stored shares are bound to these bytes.</summary>
public sealed class LengthPrefixedTests
{
    [Fact]
    public void Concat_bytes_are_frozen()
    {
        Assert.Equal("00000017636f6e636c6176652f73686172652d73746f72652f7631000000066e6f64652d310000000777c3a46c6c657400000007", Convert.ToHexStringLower(LengthPrefixed.Concat(["conclave/share-store/v1", "node-1", "wället"], 7)));
        Assert.Equal("00000000", Convert.ToHexStringLower(LengthPrefixed.Concat([], 0)));
        Assert.Equal("000000000000000178ffffffff", Convert.ToHexStringLower(LengthPrefixed.Concat(["", "x"], 0xFFFFFFFF)));
    }
}
