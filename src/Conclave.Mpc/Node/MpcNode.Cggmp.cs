using Conclave.Mpc.Coordination;
using Conclave.Mpc.Sessions;
using Conclave.Mpc.Storage;

namespace Conclave.Mpc.Node;

public sealed partial class MpcNode
{
    private Task<(string PublicKey, byte[] Share)> RunCggmpKeygenAsync(SessionRequest request, SessionMessenger messenger, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    private Task<SessionOutcome> RunCggmpSignAsync(SessionRequest request, WalletInfo wallet, CommittedShare share, SessionMessenger messenger, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
