using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.CustomKeyStores;
using Conclave.Kms.Envelope;
using Conclave.Kms.Storage;

namespace Conclave.Kms.Service;

/// <summary>
/// Custom key stores: MPC clusters, reached through their bridge, that hold the shares of
/// threshold-backed keys (AWS's external key store shapes; the bridge stands where AWS has the XKS
/// proxy). Stores belong to the caller's account; every principal of the account manages them (AWS
/// decides this by IAM policy, which Conclave does not have), and no other account sees them.
/// </summary>
public sealed partial class KmsService
{
    /// <summary>AWS's external key store type.</summary>
    public const string ExternalKeyStoreType = "EXTERNAL_KEY_STORE";

    /// <summary>The Conclave extension type naming an MPC cluster; same members as EXTERNAL_KEY_STORE.</summary>
    public const string ConclaveMpcType = "CONCLAVE_MPC";

    private const string Connected = Storage.Internal.CustomKeyStoreGuard.Connected, Disconnected = "DISCONNECTED", Failed = "FAILED";
    private const int MaxCustomKeyStoreNameLength = 256;

    /// <summary>The HTTP bridge client services share unless given another: one connection pool per process, as HttpClient is meant to be used.</summary>
    private static readonly HttpThresholdBridge SharedBridge = new();

    private readonly IThresholdBridge _bridge = SharedBridge;

    /// <summary>Creates the service with <paramref name="bridge"/> as the client of custom key stores' MPC bridges.</summary>
    public KmsService(IKmsStore store, TenantKeyring keyring, TimeProvider time, IThresholdBridge bridge)
        : this(store, keyring, time)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        _bridge = bridge;
    }

    /// <summary>The client this service reaches custom key stores' MPC bridges with.</summary>
    public IThresholdBridge ThresholdBridge => _bridge;

    /// <summary>CreateCustomKeyStore: registers an MPC bridge; the store starts DISCONNECTED.</summary>
    public ValueTask<CreateCustomKeyStoreResponse> CreateCustomKeyStoreAsync(KmsCallContext context, CreateCustomKeyStoreRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "CreateCustomKeyStore", async operation =>
        {
            var name = ValidateStoreName(request.CustomKeyStoreName, "customKeyStoreName");
            var type = request.CustomKeyStoreType ?? "AWS_CLOUDHSM";
            if (type is not (ExternalKeyStoreType or ConclaveMpcType))
            {
                throw new KmsException(KmsErrorType.UnsupportedOperation, $"CustomKeyStoreType {Sanitize(type)} is not supported by Conclave; use {ExternalKeyStoreType} (or {ConclaveMpcType}) with the MPC bridge URL as XksProxyUriEndpoint.");
            }

            RefuseStoreMembers(request.CloudHsmClusterId, request.TrustAnchorCertificate, request.KeyStorePassword, request.XksProxyVpcEndpointServiceName ?? request.XksProxyVpcEndpointServiceOwner);
            ValidateConnectivity(request.XksProxyConnectivity);
            var (endpoint, path) = ValidateEndpoint(request.XksProxyUriEndpoint, request.XksProxyUriPath);
            var tenant = context.Principal.AccountId;
            var existing = await _store.ListCustomKeyStoresAsync(tenant, cancellationToken).ConfigureAwait(false);
            if (existing.Any(s => s.Name == name))
            {
                throw new KmsException(KmsErrorType.CustomKeyStoreNameInUse, $"A custom key store named {Sanitize(name)} already exists in this account.");
            }

            var id = "cks-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(9))[..17];
            operation.Changes.Add(new InsertCustomKeyStore(new CustomKeyStoreRecord
            {
                Tenant = tenant,
                CustomKeyStoreId = id,
                Name = name,
                Type = type,
                Endpoint = endpoint,
                Path = path,
                ConnectionState = Disconnected,
                CreatedAt = operation.Now,
                Revision = 1,
            }));
            operation.KeyId = id;
            return new CreateCustomKeyStoreResponse(id);
        }, cancellationToken);
    }

    /// <summary>
    /// ConnectCustomKeyStore: probes the bridge's <c>GET /health</c>. The store becomes CONNECTED if the
    /// bridge answers and a majority of its nodes is reachable, else FAILED with a ConnectionErrorCode
    /// (as AWS, the call itself succeeds either way).
    /// </summary>
    public ValueTask<EmptyResponse> ConnectCustomKeyStoreAsync(KmsCallContext context, CustomKeyStoreIdRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "ConnectCustomKeyStore", async operation =>
        {
            var store = await ResolveCustomKeyStoreAsync(operation, request.CustomKeyStoreId, cancellationToken).ConfigureAwait(false);
            if (store.ConnectionState == Connected)
            {
                return new EmptyResponse();
            }

            string? error = null;
            try
            {
                var nodes = await _bridge.HealthAsync(BridgeUri(store), cancellationToken).ConfigureAwait(false);
                if (nodes.Count == 0 || nodes.Count(n => n.Reachable) < (nodes.Count / 2) + 1)
                {
                    error = "NETWORK_ERRORS";
                }
            }
            catch (ThresholdBridgeException e)
            {
                error = e.Failure switch
                {
                    ThresholdBridgeFailure.Unreachable => "XKS_PROXY_NOT_REACHABLE",
                    ThresholdBridgeFailure.Timeout => "XKS_PROXY_TIMED_OUT",
                    _ => "XKS_PROXY_INVALID_RESPONSE",
                };
            }

            operation.Changes.Add(new UpdateCustomKeyStore(store with
            {
                ConnectionState = error is null ? Connected : Failed,
                ConnectionErrorCode = error,
                Revision = store.Revision + 1,
            }));
            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>DisconnectCustomKeyStore: the store's keys cannot be used until it is connected again.</summary>
    public ValueTask<EmptyResponse> DisconnectCustomKeyStoreAsync(KmsCallContext context, CustomKeyStoreIdRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "DisconnectCustomKeyStore", async operation =>
        {
            var store = await ResolveCustomKeyStoreAsync(operation, request.CustomKeyStoreId, cancellationToken).ConfigureAwait(false);
            if (store.ConnectionState != Disconnected)
            {
                operation.Changes.Add(new UpdateCustomKeyStore(store with { ConnectionState = Disconnected, ConnectionErrorCode = null, Revision = store.Revision + 1 }));
            }

            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>UpdateCustomKeyStore: new name and/or endpoint; the store must be disconnected (as AWS).</summary>
    public ValueTask<EmptyResponse> UpdateCustomKeyStoreAsync(KmsCallContext context, UpdateCustomKeyStoreRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "UpdateCustomKeyStore", async operation =>
        {
            var store = await ResolveCustomKeyStoreAsync(operation, request.CustomKeyStoreId, cancellationToken).ConfigureAwait(false);
            RefuseStoreMembers(request.CloudHsmClusterId, null, request.KeyStorePassword, request.XksProxyVpcEndpointServiceName);
            ValidateConnectivity(request.XksProxyConnectivity);
            var updated = store;
            if (request.NewCustomKeyStoreName is not null)
            {
                var name = ValidateStoreName(request.NewCustomKeyStoreName, "newCustomKeyStoreName");
                var existing = await _store.ListCustomKeyStoresAsync(store.Tenant, cancellationToken).ConfigureAwait(false);
                if (existing.Any(s => s.Name == name && s.CustomKeyStoreId != store.CustomKeyStoreId))
                {
                    throw new KmsException(KmsErrorType.CustomKeyStoreNameInUse, $"A custom key store named {Sanitize(name)} already exists in this account.");
                }

                updated = updated with { Name = name };
            }

            if (request.XksProxyUriEndpoint is not null || request.XksProxyUriPath is not null)
            {
                var (endpoint, path) = ValidateEndpoint(request.XksProxyUriEndpoint ?? store.Endpoint, request.XksProxyUriPath ?? store.Path);
                updated = updated with { Endpoint = endpoint, Path = path };
            }

            if (updated != store)
            {
                if (store.ConnectionState != Disconnected)
                {
                    throw new KmsException(KmsErrorType.CustomKeyStoreInvalidState, $"Custom key store {store.CustomKeyStoreId} must be disconnected before it is updated.");
                }

                operation.Changes.Add(new UpdateCustomKeyStore(updated with { Revision = store.Revision + 1 }));
            }

            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>DeleteCustomKeyStore: only a disconnected store without keys (keys pending deletion count until deleted).</summary>
    public ValueTask<EmptyResponse> DeleteCustomKeyStoreAsync(KmsCallContext context, CustomKeyStoreIdRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "DeleteCustomKeyStore", async operation =>
        {
            var store = await ResolveCustomKeyStoreAsync(operation, request.CustomKeyStoreId, cancellationToken).ConfigureAwait(false);
            if (await _store.CountKeysInCustomKeyStoreAsync(store.Tenant, store.CustomKeyStoreId, cancellationToken).ConfigureAwait(false) > 0)
            {
                throw new KmsException(KmsErrorType.CustomKeyStoreHasCmks, $"Custom key store {store.CustomKeyStoreId} still has KMS keys; delete them first.");
            }

            if (store.ConnectionState != Disconnected)
            {
                throw new KmsException(KmsErrorType.CustomKeyStoreInvalidState, $"Custom key store {store.CustomKeyStoreId} must be disconnected before it is deleted.");
            }

            operation.Changes.Add(new DeleteCustomKeyStore(store.Tenant, store.CustomKeyStoreId));
            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>DescribeCustomKeyStores: one store by id or name, or all of the account's, in id order.</summary>
    public ValueTask<DescribeCustomKeyStoresResponse> DescribeCustomKeyStoresAsync(KmsCallContext context, DescribeCustomKeyStoresRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "DescribeCustomKeyStores", async operation =>
        {
            if (request.CustomKeyStoreId is not null && request.CustomKeyStoreName is not null)
            {
                throw new KmsException(KmsErrorType.Validation, "Specify CustomKeyStoreId or CustomKeyStoreName, not both.");
            }

            var limit = Limit(request.Limit);
            var after = Marker.Decode(request.Marker, "cks") ?? "";
            IEnumerable<CustomKeyStoreRecord> stores;
            if (request.CustomKeyStoreId is not null)
            {
                stores = [await ResolveCustomKeyStoreAsync(operation, request.CustomKeyStoreId, cancellationToken).ConfigureAwait(false)];
            }
            else
            {
                var all = await _store.ListCustomKeyStoresAsync(context.Principal.AccountId, cancellationToken).ConfigureAwait(false);
                stores = request.CustomKeyStoreName is null ? all : all.Where(s => s.Name == request.CustomKeyStoreName);
                if (request.CustomKeyStoreName is not null && !stores.Any())
                {
                    throw new KmsException(KmsErrorType.CustomKeyStoreNotFound, $"Custom key store {Sanitize(request.CustomKeyStoreName)} does not exist.");
                }
            }

            var page = stores.Where(s => string.CompareOrdinal(s.CustomKeyStoreId, after) > 0).Take(limit + 1).ToList();
            var truncated = page.Count > limit;
            if (truncated)
            {
                page.RemoveAt(limit);
            }

            return new DescribeCustomKeyStoresResponse(
                [.. page.Select(Entry)],
                truncated ? Marker.Encode("cks", page[^1].CustomKeyStoreId) : null,
                truncated);
        }, cancellationToken);
    }

    private static CustomKeyStoresListEntry Entry(CustomKeyStoreRecord store) => new()
    {
        CustomKeyStoreId = store.CustomKeyStoreId,
        CustomKeyStoreName = store.Name,
        CustomKeyStoreType = store.Type,
        ConnectionState = store.ConnectionState,
        ConnectionErrorCode = store.ConnectionErrorCode,
        CreationDate = store.CreatedAt,
        XksProxyConfiguration = new XksProxyConfiguration("PUBLIC_ENDPOINT", store.Endpoint, store.Path),
    };

    /// <summary>The caller's custom key store named by <paramref name="id"/>; another account's store is not found.</summary>
    private async ValueTask<CustomKeyStoreRecord> ResolveCustomKeyStoreAsync(KmsOperation operation, string? id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value null at 'customKeyStoreId' failed to satisfy constraint: Member must not be null");
        }

        operation.KeyId = CustomKeyStoreIdPattern().IsMatch(id) ? id : null;
        return (CustomKeyStoreIdPattern().IsMatch(id) ? await _store.GetCustomKeyStoreAsync(operation.Context.Principal.AccountId, id, cancellationToken).ConfigureAwait(false) : null)
            ?? throw new KmsException(KmsErrorType.CustomKeyStoreNotFound, $"Custom key store {Sanitize(id)} does not exist.");
    }

    /// <summary>The bridge's base URL with the store's path, ending in '/' so relative calls resolve under it.</summary>
    private static Uri BridgeUri(CustomKeyStoreRecord store) =>
        new(store.Endpoint + (store.Path.EndsWith('/') ? store.Path : store.Path + "/"), UriKind.Absolute);

    private static string ValidateStoreName(string? name, string member)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxCustomKeyStoreNameLength || name.Any(char.IsControl))
        {
            throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length between 1 and {MaxCustomKeyStoreNameLength}");
        }

        return name;
    }

    private static void ValidateConnectivity(string? connectivity)
    {
        if (connectivity is not null and not "PUBLIC_ENDPOINT")
        {
            throw new KmsException(KmsErrorType.UnsupportedOperation, $"XksProxyConnectivity {Sanitize(connectivity)} is not supported by Conclave; use PUBLIC_ENDPOINT.");
        }
    }

    private static void RefuseStoreMembers(params string?[] members)
    {
        if (members.Any(m => m is not null))
        {
            throw new KmsException(KmsErrorType.UnsupportedOperation, "CloudHSM key stores and VPC endpoint connectivity are not supported by Conclave.");
        }
    }

    /// <summary>
    /// The bridge endpoint, normalized to <c>scheme://host[:port]</c>, and the path. SSRF guard: https,
    /// or http to a loopback host only; no user info, query or fragment; the endpoint has no path.
    /// </summary>
    internal static (string Endpoint, string Path) ValidateEndpoint(string? endpoint, string? path)
    {
        if (string.IsNullOrEmpty(endpoint) || endpoint.Length > 128
            || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || endpoint.Contains('#', StringComparison.Ordinal)
            || uri.AbsolutePath != "/" || endpoint.Contains('@', StringComparison.Ordinal))
        {
            throw new KmsException(KmsErrorType.Validation, "XksProxyUriEndpoint must be an https:// URL (or http:// to a loopback address) with no user info, path, query or fragment.");
        }

        path ??= "/";
        if (path.Length > 128 || !PathPattern().IsMatch(path) || path.Contains("..", StringComparison.Ordinal) || path.Contains("//", StringComparison.Ordinal))
        {
            throw new KmsException(KmsErrorType.Validation, "XksProxyUriPath must start with '/' and hold only letters, digits, '/', '-', '_' and '.'.");
        }

        return (uri.GetLeftPart(UriPartial.Authority), path);
    }

    [GeneratedRegex("^cks-[0-9a-f]{17}$")]
    private static partial Regex CustomKeyStoreIdPattern();

    [GeneratedRegex("^/[A-Za-z0-9/_.-]*$")]
    private static partial Regex PathPattern();
}
