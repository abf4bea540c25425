using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Service;
using Conclave.Kms.Tenants;

namespace Conclave.Server;

/// <summary>The development custom key store <c>conclave up</c> registers for its embedded MPC cluster.</summary>
public sealed partial class KmsServer
{
    /// <summary>The name of the custom key store <c>conclave up</c> registers.</summary>
    public const string LocalCustomKeyStoreName = "conclave-local";

    /// <summary>The user name of the development principal in <see cref="DevelopmentAccount"/>.</summary>
    private const string DevelopmentUserName = "dev";

    private KmsPrincipal? FindDevelopmentPrincipal() =>
        _principals.List().FirstOrDefault(p => p.AccountId == DevelopmentAccount && p.UserName == DevelopmentUserName);

    /// <summary>
    /// Registers <paramref name="bridge"/> as the development account's custom key store
    /// <see cref="LocalCustomKeyStoreName"/> (or points the existing one at it), connects it, and
    /// answers its id. Needs the development principal. Goes through the service, so it is audited.
    /// </summary>
    public async Task<string> EnsureLocalCustomKeyStoreAsync(Uri bridge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        var principal = FindDevelopmentPrincipal()
            ?? throw new InvalidOperationException("The development principal does not exist.");
        var context = new KmsCallContext(principal, "us-east-1", "conclave-up-" + Guid.NewGuid().ToString("N"));
        var endpoint = bridge.GetLeftPart(UriPartial.Authority);
        var found = (await Service.DescribeCustomKeyStoresAsync(context, new DescribeCustomKeyStoresRequest(null, null, null, null), cancellationToken).ConfigureAwait(false))
            .CustomKeyStores.FirstOrDefault(s => s.CustomKeyStoreName == LocalCustomKeyStoreName);
        string id;
        if (found is null)
        {
            id = (await Service.CreateCustomKeyStoreAsync(context, new CreateCustomKeyStoreRequest
            {
                CustomKeyStoreName = LocalCustomKeyStoreName,
                CustomKeyStoreType = KmsService.ConclaveMpcType,
                XksProxyUriEndpoint = endpoint,
                XksProxyConnectivity = "PUBLIC_ENDPOINT",
            }, cancellationToken).ConfigureAwait(false)).CustomKeyStoreId;
        }
        else
        {
            id = found.CustomKeyStoreId;
            if (found.XksProxyConfiguration.UriEndpoint != endpoint)
            {
                // The bridge moved (another --bridge-port): reconnect the store to where it is now.
                await Service.DisconnectCustomKeyStoreAsync(context, new CustomKeyStoreIdRequest(id), cancellationToken).ConfigureAwait(false);
                await Service.UpdateCustomKeyStoreAsync(context, new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, XksProxyUriEndpoint = endpoint, XksProxyUriPath = "/" }, cancellationToken).ConfigureAwait(false);
            }
        }

        await Service.ConnectCustomKeyStoreAsync(context, new CustomKeyStoreIdRequest(id), cancellationToken).ConfigureAwait(false);
        return id;
    }
}
