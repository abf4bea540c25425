using Conclave.Mpc.Coordination;

namespace Conclave.Mpc.Node;

/// <summary>
/// A node's own rule on which sign requests it joins, checked before it opens the session (a
/// node is never a blind signing oracle). The default, <see cref="AllowAll"/>, joins every request
/// that is well formed and names a wallet the node holds; custody policies plug in here.
/// </summary>
public interface ISigningPolicy
{
    /// <summary>The default policy.</summary>
    static ISigningPolicy AllowAll { get; } = new AllowAllPolicy();

    /// <summary>Null to join, or the reason for refusing (returned to the caller; no secrets).</summary>
    ValueTask<string?> CheckAsync(SessionRequest request, WalletInfo wallet, CancellationToken cancellationToken);

    private sealed class AllowAllPolicy : ISigningPolicy
    {
        public ValueTask<string?> CheckAsync(SessionRequest request, WalletInfo wallet, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
    }
}
