using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;

namespace Conclave.Kms.Tests.Service;

public sealed class KmsServicePolicyTests
{
    private const string RootStatement = """{"Sid":"root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Policy(params string[] statements) => $$"""{"Version":"2012-10-17","Statement":[{{string.Join(",", statements)}}]}""";

    private static async Task<KmsException> DeniedAsync(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<KmsException>(call);
        Assert.Equal(KmsErrorType.AccessDenied, error.ErrorType);
        return error;
    }

    [Fact]
    public async Task The_default_policy_allows_the_account_and_denies_other_accounts_in_AWS_words()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;

        await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [1] }, Ct);
        var error = await DeniedAsync(async () => await kms.Service.EncryptAsync(KmsServiceHarness.Mallory, new EncryptRequest { KeyId = key.Arn, Plaintext = [1] }, Ct));

        Assert.Equal($"User: arn:aws:iam::444455556666:user/mallory is not authorized to perform: kms:Encrypt on resource: {key.Arn} because no resource-based policy allows the kms:Encrypt action", error.Message);
    }

    [Fact]
    public async Task A_policy_naming_another_account_lets_it_encrypt_and_decrypt_but_nothing_else()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var policy = Policy(RootStatement, """{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}""");
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { Policy = policy }, Ct)).KeyMetadata;

        var blob = (await kms.Service.EncryptAsync(KmsServiceHarness.Mallory, new EncryptRequest { KeyId = key.Arn, Plaintext = [7, 8] }, Ct)).CiphertextBlob;
        var plaintext = (await kms.Service.DecryptAsync(KmsServiceHarness.Mallory, new DecryptRequest { CiphertextBlob = blob }, Ct)).Plaintext;

        Assert.Equal([7, 8], plaintext);
        await DeniedAsync(async () => await kms.Service.DescribeKeyAsync(KmsServiceHarness.Mallory, new KeyIdRequest { KeyId = key.Arn }, Ct));
        await DeniedAsync(async () => await kms.Service.ScheduleKeyDeletionAsync(KmsServiceHarness.Mallory, new ScheduleKeyDeletionRequest(key.Arn, 7), Ct));
        await DeniedAsync(async () => await kms.Service.GetKeyPolicyAsync(KmsServiceHarness.Mallory, new GetKeyPolicyRequest { KeyId = key.Arn }, Ct));
    }

    [Fact]
    public async Task An_explicit_deny_blocks_alice_although_the_root_statement_allows()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var policy = Policy(RootStatement, """{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:Decrypt","Resource":"*"}""");
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { Policy = policy }, Ct)).KeyMetadata;
        var blob = (await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [1] }, Ct)).CiphertextBlob;

        var error = await DeniedAsync(async () => await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = blob }, Ct));

        Assert.EndsWith("with an explicit deny in a resource-based policy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_condition_on_the_encryption_context_allows_only_matching_contexts()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var policy = Policy(RootStatement, """{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:purpose":"backup"}}}""");
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { Policy = policy }, Ct)).KeyMetadata;
        var backup = new Dictionary<string, string> { ["purpose"] = "backup" };

        var blob = (await kms.Service.EncryptAsync(KmsServiceHarness.Mallory, new EncryptRequest { KeyId = key.Arn, Plaintext = [1], EncryptionContext = backup }, Ct)).CiphertextBlob;
        await kms.Service.DecryptAsync(KmsServiceHarness.Mallory, new DecryptRequest { CiphertextBlob = blob, EncryptionContext = backup }, Ct);

        await DeniedAsync(async () => await kms.Service.EncryptAsync(KmsServiceHarness.Mallory, new EncryptRequest { KeyId = key.Arn, Plaintext = [1], EncryptionContext = new() { ["purpose"] = "other" } }, Ct));
        await DeniedAsync(async () => await kms.Service.EncryptAsync(KmsServiceHarness.Mallory, new EncryptRequest { KeyId = key.Arn, Plaintext = [1] }, Ct));
    }

    [Fact]
    public async Task PutKeyPolicy_refuses_a_policy_that_locks_the_caller_out_unless_bypassed()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var lockout = Policy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["kms:Encrypt","kms:Decrypt","kms:DescribeKey"],"Resource":"*"}""");

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.PutKeyPolicyAsync(KmsServiceHarness.Alice, new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = lockout }, Ct));
        Assert.Equal(KmsErrorType.MalformedPolicyDocument, error.ErrorType);
        var create = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { Policy = lockout }, Ct));
        Assert.Equal(KmsErrorType.MalformedPolicyDocument, create.ErrorType);

        await kms.Service.PutKeyPolicyAsync(KmsServiceHarness.Alice, new PutKeyPolicyRequest { KeyId = key.Arn, Policy = lockout, BypassPolicyLockoutSafetyCheck = true }, Ct);

        await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [1] }, Ct);
        await DeniedAsync(async () => await kms.Service.PutKeyPolicyAsync(KmsServiceHarness.Alice, new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = Policy(RootStatement) }, Ct));
        await DeniedAsync(async () => await kms.Service.GetKeyPolicyAsync(KmsServiceHarness.Alice, new GetKeyPolicyRequest { KeyId = key.KeyId }, Ct));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"Version":"2012-10-17"}""")]
    [InlineData("""{"Statement":{"Effect":"Maybe","Principal":"*","Action":"kms:*","Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":"*","Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*"}}""")]
    [InlineData("")]
    public async Task Malformed_policies_are_rejected_and_nothing_changes(string policy)
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var before = (await kms.Service.GetKeyPolicyAsync(KmsServiceHarness.Alice, new GetKeyPolicyRequest { KeyId = key.KeyId }, Ct)).Policy;

        var put = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.PutKeyPolicyAsync(KmsServiceHarness.Alice, new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = policy, BypassPolicyLockoutSafetyCheck = true }, Ct));
        var create = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { Policy = policy, BypassPolicyLockoutSafetyCheck = true }, Ct));

        Assert.Equal(KmsErrorType.MalformedPolicyDocument, put.ErrorType);
        Assert.Equal(KmsErrorType.MalformedPolicyDocument, create.ErrorType);
        Assert.Equal(before, (await kms.Service.GetKeyPolicyAsync(KmsServiceHarness.Alice, new GetKeyPolicyRequest { KeyId = key.KeyId }, Ct)).Policy);
        Assert.Single((await kms.Service.ListKeysAsync(KmsServiceHarness.Alice, new ListKeysRequest(null, null), Ct)).Keys);
    }

    [Fact]
    public async Task GetKeyPolicy_returns_what_was_put_and_ListKeyPolicies_names_default()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var initial = await kms.Service.GetKeyPolicyAsync(KmsServiceHarness.Alice, new GetKeyPolicyRequest { KeyId = key.KeyId }, Ct);
        var policy = Policy(RootStatement, """{"Sid":"readers","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/mallory"},"Action":"kms:DescribeKey","Resource":"*"}""");

        await kms.Service.PutKeyPolicyAsync(KmsServiceHarness.Alice, new PutKeyPolicyRequest { KeyId = key.Arn, PolicyName = "default", Policy = policy }, Ct);
        var got = await kms.Service.GetKeyPolicyAsync(KmsServiceHarness.Alice, new GetKeyPolicyRequest { KeyId = key.Arn, PolicyName = "default" }, Ct);
        var names = await kms.Service.ListKeyPoliciesAsync(KmsServiceHarness.Alice, new ListKeyPoliciesRequest { KeyId = key.KeyId }, Ct);

        Assert.Contains("arn:aws:iam::111122223333:root", initial.Policy, StringComparison.Ordinal);
        Assert.Equal(policy, got.Policy);
        Assert.Equal("default", got.PolicyName);
        Assert.Equal(["default"], names.PolicyNames);
        Assert.False(names.Truncated);
        await kms.Service.DescribeKeyAsync(KmsServiceHarness.Mallory, new KeyIdRequest { KeyId = key.Arn }, Ct);
        var otherName = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.PutKeyPolicyAsync(KmsServiceHarness.Alice, new PutKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "other", Policy = policy }, Ct));
        Assert.Equal(KmsErrorType.NotFound, otherName.ErrorType);
    }
}
