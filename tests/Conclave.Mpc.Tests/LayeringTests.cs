using System.Reflection;

namespace Conclave.Mpc.Tests;

/// <summary>ARCHITECTURE.md's dependency direction: Conclave.Mpc uses Threshold and Crypto, nothing above it.</summary>
public sealed class LayeringTests
{
    [Fact]
    public void Conclave_Mpc_references_no_layer_above_it()
    {
        var mpc = Assembly.Load("Conclave.Mpc");
        var conclave = mpc.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Conclave.", StringComparison.Ordinal)).ToList();
        Assert.Empty(conclave.Except(["Conclave.Crypto", "Conclave.Threshold"]));
    }
}
