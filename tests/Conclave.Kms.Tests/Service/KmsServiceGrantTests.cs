using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;

namespace Conclave.Kms.Tests.Service;

public sealed class KmsServiceGrantTests
{
    private const string MalloryArn = "arn:aws:iam::444455556666:user/mallory";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string> Backup = new() { ["purpose"] = "backup" };

    private static async Task<KmsException> FailsAsync(string errorType, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<KmsException>(call);
        Assert.Equal(errorType, error.ErrorType);
        return error;
    }

    private static Task<EncryptResponse> EncryptAsync(KmsServiceHarness kms, KeyMetadata key, Dictionary<string, string>? context) =>
        kms.Service.EncryptAsync(KmsServiceHarness.Mallory, new EncryptRequest { KeyId = key.Arn, Plaintext = [1, 2], EncryptionContext = context }, Ct).AsTask();

    private static async Task<(KeyMetadata Key, CreateGrantResponse Grant)> GrantMalloryAsync(KmsServiceHarness kms, GrantConstraints? constraints, string? retiring = null)
    {
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var grant = await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, new CreateGrantRequest
        {
            KeyId = key.KeyId,
            GranteePrincipal = MalloryArn,
            RetiringPrincipal = retiring,
            Operations = ["Encrypt", "Decrypt"],
            Constraints = constraints,
            Name = "backup-job",
        }, Ct);
        return (key, grant);
    }

    [Fact]
    public async Task A_grant_lets_another_account_use_its_operations_with_a_matching_context_only()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (key, grant) = await GrantMalloryAsync(kms, new GrantConstraints { EncryptionContextSubset = Backup });

        var blob = (await EncryptAsync(kms, key, new() { ["purpose"] = "backup", ["extra"] = "1" })).CiphertextBlob;
        var plaintext = (await kms.Service.DecryptAsync(KmsServiceHarness.Mallory, new DecryptRequest { CiphertextBlob = blob, EncryptionContext = new() { ["purpose"] = "backup", ["extra"] = "1" } }, Ct)).Plaintext;

        Assert.Equal(64, grant.GrantId.Length);
        Assert.Equal([1, 2], plaintext);
        await FailsAsync(KmsErrorType.AccessDenied, () => EncryptAsync(kms, key, new() { ["purpose"] = "other" }));
        await FailsAsync(KmsErrorType.AccessDenied, () => EncryptAsync(kms, key, null));
        await FailsAsync(KmsErrorType.AccessDenied, async () => await kms.Service.DescribeKeyAsync(KmsServiceHarness.Mallory, new KeyIdRequest { KeyId = key.Arn }, Ct));
        await FailsAsync(KmsErrorType.AccessDenied, async () => await kms.Service.GenerateDataKeyAsync(KmsServiceHarness.Mallory, new GenerateDataKeyRequest { KeyId = key.Arn, KeySpec = "AES_256", EncryptionContext = Backup }, Ct));
    }

    [Fact]
    public async Task EncryptionContextEquals_needs_exactly_the_constrained_pairs()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (key, _) = await GrantMalloryAsync(kms, new GrantConstraints { EncryptionContextEquals = Backup });

        await EncryptAsync(kms, key, new() { ["purpose"] = "backup" });
        await FailsAsync(KmsErrorType.AccessDenied, () => EncryptAsync(kms, key, new() { ["purpose"] = "backup", ["extra"] = "1" }));
        await FailsAsync(KmsErrorType.AccessDenied, () => EncryptAsync(kms, key, null));
    }

    [Fact]
    public async Task ListGrants_shows_the_grant_and_RevokeGrant_removes_access()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (key, grant) = await GrantMalloryAsync(kms, new GrantConstraints { EncryptionContextSubset = Backup });
        await EncryptAsync(kms, key, Backup);

        var listed = Assert.Single((await kms.Service.ListGrantsAsync(KmsServiceHarness.Alice, new ListGrantsRequest { KeyId = key.KeyId }, Ct)).Grants);
        Assert.Equal(grant.GrantId, listed.GrantId);
        Assert.Equal(key.Arn, listed.KeyId);
        Assert.Equal(MalloryArn, listed.GranteePrincipal);
        Assert.Equal("arn:aws:iam::111122223333:root", listed.IssuingAccount);
        Assert.Equal(["Encrypt", "Decrypt"], listed.Operations);
        Assert.Equal("backup", listed.Constraints!.EncryptionContextSubset!["purpose"]);
        Assert.Equal("backup-job", listed.Name);

        await kms.Service.RevokeGrantAsync(KmsServiceHarness.Alice, new RevokeGrantRequest { KeyId = key.Arn, GrantId = grant.GrantId }, Ct);

        await FailsAsync(KmsErrorType.AccessDenied, () => EncryptAsync(kms, key, Backup));
        Assert.Empty((await kms.Service.ListGrantsAsync(KmsServiceHarness.Alice, new ListGrantsRequest { KeyId = key.KeyId }, Ct)).Grants);
        await FailsAsync(KmsErrorType.NotFound, async () => await kms.Service.RevokeGrantAsync(KmsServiceHarness.Alice, new RevokeGrantRequest { KeyId = key.Arn, GrantId = grant.GrantId }, Ct));
    }

    [Fact]
    public async Task The_retiring_principal_retires_with_the_token_and_a_wrong_token_is_rejected()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (key, grant) = await GrantMalloryAsync(kms, null, retiring: MalloryArn);
        var forged = grant.GrantToken[..^4] + (grant.GrantToken[^4..] == "AAAA" ? "BBBB" : "AAAA");

        await FailsAsync(KmsErrorType.InvalidGrantToken, async () => await kms.Service.RetireGrantAsync(KmsServiceHarness.Mallory, new RetireGrantRequest { GrantToken = forged }, Ct));
        await FailsAsync(KmsErrorType.InvalidGrantToken, async () => await kms.Service.RetireGrantAsync(KmsServiceHarness.Mallory, new RetireGrantRequest { GrantToken = "not-a-token" }, Ct));
        await EncryptAsync(kms, key, null);

        await kms.Service.RetireGrantAsync(KmsServiceHarness.Mallory, new RetireGrantRequest { GrantToken = grant.GrantToken }, Ct);

        await FailsAsync(KmsErrorType.AccessDenied, () => EncryptAsync(kms, key, null));
        Assert.Empty((await kms.Service.ListGrantsAsync(KmsServiceHarness.Alice, new ListGrantsRequest { KeyId = key.KeyId }, Ct)).Grants);
    }

    [Fact]
    public async Task Only_the_retiring_principal_a_retiring_grantee_or_the_keys_account_may_retire()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (key, grant) = await GrantMalloryAsync(kms, null);

        await FailsAsync(KmsErrorType.AccessDenied, async () => await kms.Service.RetireGrantAsync(KmsServiceHarness.Mallory, new RetireGrantRequest { GrantToken = grant.GrantToken }, Ct));
        await kms.Service.RetireGrantAsync(KmsServiceHarness.Alice, new RetireGrantRequest { KeyId = key.KeyId, GrantId = grant.GrantId }, Ct);

        Assert.Empty((await kms.Service.ListGrantsAsync(KmsServiceHarness.Alice, new ListGrantsRequest { KeyId = key.KeyId }, Ct)).Grants);
    }

    [Fact]
    public async Task A_policy_deny_wins_over_a_grant_and_bad_grant_requests_are_refused()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (key, _) = await GrantMalloryAsync(kms, null);
        var policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"444455556666"},"Action":"kms:Encrypt","Resource":"*"}]}""";
        await kms.Service.PutKeyPolicyAsync(KmsServiceHarness.Alice, new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = policy }, Ct);

        await FailsAsync(KmsErrorType.AccessDenied, () => EncryptAsync(kms, key, null));
        await FailsAsync(KmsErrorType.Validation, async () => await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = MalloryArn, Operations = ["Launch"] }, Ct));
        await FailsAsync(KmsErrorType.Validation, async () => await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = "mallory", Operations = ["Encrypt"] }, Ct));
        await FailsAsync(KmsErrorType.Validation, async () => await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = MalloryArn, Operations = [] }, Ct));
        await FailsAsync(KmsErrorType.AccessDenied, async () => await kms.Service.CreateGrantAsync(KmsServiceHarness.Mallory, new CreateGrantRequest { KeyId = key.Arn, GranteePrincipal = MalloryArn, Operations = ["Decrypt"] }, Ct));
        await FailsAsync(KmsErrorType.DryRunOperation, async () => await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = MalloryArn, Operations = ["Decrypt"], DryRun = true }, Ct));
        Assert.Single((await kms.Service.ListGrantsAsync(KmsServiceHarness.Alice, new ListGrantsRequest { KeyId = key.KeyId }, Ct)).Grants);
    }

    [Fact]
    public async Task ListGrants_pages_with_markers()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = MalloryArn, Operations = ["Encrypt"] }, Ct)).GrantId);
        }

        var first = await kms.Service.ListGrantsAsync(KmsServiceHarness.Alice, new ListGrantsRequest { KeyId = key.KeyId, Limit = 2 }, Ct);
        var second = await kms.Service.ListGrantsAsync(KmsServiceHarness.Alice, new ListGrantsRequest { KeyId = key.KeyId, Limit = 2, Marker = first.NextMarker }, Ct);

        Assert.True(first.Truncated);
        Assert.False(second.Truncated);
        Assert.Equal(2, first.Grants.Count);
        Assert.Equal(ids.Order(), first.Grants.Concat(second.Grants).Select(g => g.GrantId).Order()); // creation order; same-millisecond grants tie
    }

    [Fact]
    public async Task ListRetirableGrants_lists_the_callers_grants_naming_that_retiring_principal_across_keys()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (first, grantA) = await GrantMalloryAsync(kms, null, retiring: MalloryArn);
        var (_, grantB) = await GrantMalloryAsync(kms, null, retiring: MalloryArn);
        await GrantMalloryAsync(kms, null, retiring: "arn:aws:iam::111122223333:role/other");
        await GrantMalloryAsync(kms, null);

        var all = await kms.Service.ListRetirableGrantsAsync(KmsServiceHarness.Alice, new ListRetirableGrantsRequest { RetiringPrincipal = MalloryArn }, Ct);
        var page1 = await kms.Service.ListRetirableGrantsAsync(KmsServiceHarness.Alice, new ListRetirableGrantsRequest { RetiringPrincipal = MalloryArn, Limit = 1 }, Ct);
        var page2 = await kms.Service.ListRetirableGrantsAsync(KmsServiceHarness.Alice, new ListRetirableGrantsRequest { RetiringPrincipal = MalloryArn, Limit = 1, Marker = page1.NextMarker }, Ct);

        Assert.Equal(new[] { grantA.GrantId, grantB.GrantId }.Order(StringComparer.Ordinal), all.Grants.Select(g => g.GrantId));
        Assert.False(all.Truncated);
        Assert.All(all.Grants, g => Assert.Equal(MalloryArn, g.RetiringPrincipal));
        Assert.Contains(all.Grants, g => g.KeyId == first.Arn);
        Assert.True(page1.Truncated);
        Assert.False(page2.Truncated);
        Assert.Equal(all.Grants.Select(g => g.GrantId), page1.Grants.Concat(page2.Grants).Select(g => g.GrantId));

        // Mallory's own account has no grants naming Mallory: the listing is of the caller's account.
        Assert.Empty((await kms.Service.ListRetirableGrantsAsync(KmsServiceHarness.Mallory, new ListRetirableGrantsRequest { RetiringPrincipal = MalloryArn }, Ct)).Grants);
        await FailsAsync(KmsErrorType.Validation, async () => await kms.Service.ListRetirableGrantsAsync(KmsServiceHarness.Alice, new ListRetirableGrantsRequest(), Ct));
        await FailsAsync(KmsErrorType.Validation, async () => await kms.Service.ListRetirableGrantsAsync(KmsServiceHarness.Alice, new ListRetirableGrantsRequest { RetiringPrincipal = MalloryArn, Limit = 0 }, Ct));
        await FailsAsync(KmsErrorType.InvalidMarker, async () => await kms.Service.ListRetirableGrantsAsync(KmsServiceHarness.Alice, new ListRetirableGrantsRequest { RetiringPrincipal = MalloryArn, Marker = "bogus" }, Ct));
    }

    [Fact]
    public async Task A_named_CreateGrant_with_identical_parameters_returns_the_existing_grant_with_an_interchangeable_token()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (key, first) = await GrantMalloryAsync(kms, new GrantConstraints { EncryptionContextSubset = Backup }, retiring: MalloryArn);
        CreateGrantRequest Same() => new()
        {
            KeyId = key.Arn, // the key by ARN is the same key
            GranteePrincipal = MalloryArn,
            RetiringPrincipal = MalloryArn,
            Operations = ["Decrypt", "Encrypt"],
            Constraints = new GrantConstraints { EncryptionContextSubset = new() { ["purpose"] = "backup" } },
            Name = "backup-job",
        };

        var retried = await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, Same(), Ct);
        var otherOperations = await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, Same() with { Operations = ["Encrypt"] }, Ct);
        var otherName = await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, Same() with { Name = "other-job" }, Ct);
        var unnamed1 = await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, Same() with { Name = null }, Ct);
        var unnamed2 = await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, Same() with { Name = null }, Ct);

        Assert.Equal(first.GrantId, retried.GrantId);
        Assert.NotEqual(first.GrantToken, retried.GrantToken);
        Assert.Equal(5, new[] { first.GrantId, otherOperations.GrantId, otherName.GrantId, unnamed1.GrantId, unnamed2.GrantId }.Distinct().Count());
        Assert.Equal(5, (await kms.Service.ListGrantsAsync(KmsServiceHarness.Alice, new ListGrantsRequest { KeyId = key.KeyId }, Ct)).Grants.Count);

        // Either token retires the grant; after that, neither does.
        await kms.Service.RetireGrantAsync(KmsServiceHarness.Mallory, new RetireGrantRequest { GrantToken = retried.GrantToken }, Ct);
        await FailsAsync(KmsErrorType.NotFound, async () => await kms.Service.RetireGrantAsync(KmsServiceHarness.Mallory, new RetireGrantRequest { GrantToken = first.GrantToken }, Ct));
        Assert.Equal(4, (await kms.Service.ListGrantsAsync(KmsServiceHarness.Alice, new ListGrantsRequest { KeyId = key.KeyId }, Ct)).Grants.Count);
    }

    [Fact]
    public async Task The_first_token_of_a_retried_grant_still_retires_it()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (key, first) = await GrantMalloryAsync(kms, null, retiring: MalloryArn);
        var retried = await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = MalloryArn, RetiringPrincipal = MalloryArn, Operations = ["Encrypt", "Decrypt"], Name = "backup-job" }, Ct);

        Assert.Equal(first.GrantId, retried.GrantId);
        await kms.Service.RetireGrantAsync(KmsServiceHarness.Mallory, new RetireGrantRequest { GrantToken = first.GrantToken }, Ct);
        Assert.Empty((await kms.Service.ListGrantsAsync(KmsServiceHarness.Alice, new ListGrantsRequest { KeyId = key.KeyId }, Ct)).Grants);
    }
}
