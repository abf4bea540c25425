using Conclave.Kms.Api;
using Conclave.Kms.Policies;

namespace Conclave.Kms.Tests.Policies;

public sealed class KeyPolicyEvaluatorTests
{
    private const string KeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string Alice = "arn:aws:iam::111122223333:user/alice";
    private const string Bob = "arn:aws:iam::111122223333:user/bob";
    private const string Mallory = "arn:aws:iam::444455556666:user/mallory";

    private static PolicyRequest Request(string action, string principal = Alice, Dictionary<string, string>? context = null, string resource = KeyArn) => new()
    {
        Action = action,
        PrincipalArn = principal,
        PrincipalAccount = principal.Split(':')[4],
        ResourceArn = resource,
        EncryptionContext = context,
    };

    private static PolicyDecision Evaluate(string statements, PolicyRequest request) =>
        KeyPolicy.Parse($$"""{"Version":"2012-10-17","Statement":[{{statements}}]}""").Evaluate(request);

    private static string Allow(string principal, string action, string extra = "") =>
        $$"""{"Effect":"Allow","Principal":{{principal}},"Action":{{action}},"Resource":"*"{{extra}}}""";

    [Fact]
    public void The_default_policy_allows_every_principal_of_the_account_and_no_other()
    {
        var policy = KeyPolicy.Parse("""{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}""");

        Assert.Equal(PolicyDecision.Allow, policy.Evaluate(Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.Allow, policy.Evaluate(Request("kms:PutKeyPolicy", Bob)));
        Assert.Equal(PolicyDecision.ImplicitDeny, policy.Evaluate(Request("kms:Encrypt", Mallory)));
    }

    [Theory]
    [InlineData("\"*\"", true)]
    [InlineData("{\"AWS\":\"*\"}", true)]
    [InlineData("{\"AWS\":\"444455556666\"}", true)]
    [InlineData("{\"AWS\":\"arn:aws:iam::444455556666:root\"}", true)]
    [InlineData("{\"AWS\":[\"arn:aws:iam::111122223333:root\",\"arn:aws:iam::444455556666:user/mallory\"]}", true)]
    [InlineData("{\"AWS\":\"arn:aws:iam::444455556666:user/other\"}", false)]
    [InlineData("{\"AWS\":\"111122223333\"}", false)]
    [InlineData("{\"Service\":\"ec2.amazonaws.com\"}", false)]
    public void Principal_forms_match_accounts_users_and_everyone(string principal, bool matches)
    {
        var decision = Evaluate(Allow(principal, "\"kms:Encrypt\""), Request("kms:Encrypt", Mallory));

        Assert.Equal(matches ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny, decision);
    }

    [Theory]
    [InlineData("kms:*", "kms:Encrypt", true)]
    [InlineData("*", "kms:ScheduleKeyDeletion", true)]
    [InlineData("kms:encrypt", "kms:Encrypt", true)]
    [InlineData("KMS:Re*", "kms:ReEncryptFrom", true)]
    [InlineData("kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext", true)]
    [InlineData("kms:?ecrypt", "kms:Decrypt", true)]
    [InlineData("kms:?ecrypt", "kms:Encrypt", false)]
    [InlineData("kms:Describe*", "kms:Decrypt", false)]
    [InlineData("kms:*Key", "kms:DescribeKey", true)]
    [InlineData("kms:*Key", "kms:DescribeKeys", false)]
    public void Actions_match_with_wildcards_and_without_case(string pattern, string action, bool matches)
    {
        var decision = Evaluate(Allow("\"*\"", $"\"{pattern}\""), Request(action));

        Assert.Equal(matches ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny, decision);
    }

    [Fact]
    public void NotAction_NotPrincipal_and_resources_invert_and_restrict()
    {
        Assert.Equal(PolicyDecision.Allow, Evaluate("""{"Effect":"Allow","Principal":"*","NotAction":"kms:Decrypt","Resource":"*"}""", Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate("""{"Effect":"Allow","Principal":"*","NotAction":["kms:Decrypt"],"Resource":"*"}""", Request("kms:Decrypt")));
        Assert.Equal(PolicyDecision.ExplicitDeny, Evaluate(Allow("\"*\"", "\"kms:*\"") + """,{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:*","Resource":"*"}""", Request("kms:Encrypt", Bob)));
        Assert.Equal(PolicyDecision.Allow, Evaluate("""{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"arn:aws:kms:us-east-1:111122223333:key/*"}""", Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate("""{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"arn:aws:kms:eu-west-1:111122223333:key/*"}""", Request("kms:Encrypt")));
    }

    [Fact]
    public void An_explicit_deny_wins_over_any_allow_in_either_order()
    {
        var deny = """{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:Decrypt","Resource":"*"}""";
        var allow = Allow("{\"AWS\":\"111122223333\"}", "\"kms:*\"");

        Assert.Equal(PolicyDecision.ExplicitDeny, Evaluate(allow + "," + deny, Request("kms:Decrypt")));
        Assert.Equal(PolicyDecision.ExplicitDeny, Evaluate(deny + "," + allow, Request("kms:Decrypt")));
        Assert.Equal(PolicyDecision.Allow, Evaluate(deny + "," + allow, Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.Allow, Evaluate(deny + "," + allow, Request("kms:Decrypt", Bob)));
    }

    [Fact]
    public void Encryption_context_conditions_match_values_keys_and_absence()
    {
        var purpose = Allow("\"*\"", "\"kms:*\"", ""","Condition":{"StringEquals":{"kms:EncryptionContext:purpose":"backup"}}""");
        Assert.Equal(PolicyDecision.Allow, Evaluate(purpose, Request("kms:Encrypt", context: new() { ["purpose"] = "backup", ["x"] = "y" })));
        Assert.Equal(PolicyDecision.Allow, Evaluate(purpose, Request("kms:Encrypt", context: new() { ["Purpose"] = "backup" })));
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(purpose, Request("kms:Encrypt", context: new() { ["purpose"] = "Backup" })));
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(purpose, Request("kms:Encrypt")));

        var like = Allow("\"*\"", "\"kms:*\"", ""","Condition":{"StringLike":{"kms:EncryptionContext:app":["web-*","api-?"]}}""");
        Assert.Equal(PolicyDecision.Allow, Evaluate(like, Request("kms:Encrypt", context: new() { ["app"] = "web-frontend" })));
        Assert.Equal(PolicyDecision.Allow, Evaluate(like, Request("kms:Encrypt", context: new() { ["app"] = "api-1" })));
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(like, Request("kms:Encrypt", context: new() { ["app"] = "api-12" })));

        var allKeys = Allow("\"*\"", "\"kms:*\"", ""","Condition":{"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["a","b"]}}""");
        Assert.Equal(PolicyDecision.Allow, Evaluate(allKeys, Request("kms:Encrypt", context: new() { ["a"] = "1" })));
        Assert.Equal(PolicyDecision.Allow, Evaluate(allKeys, Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(allKeys, Request("kms:Encrypt", context: new() { ["a"] = "1", ["c"] = "1" })));

        var anyKey = Allow("\"*\"", "\"kms:*\"", ""","Condition":{"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"tenant"}}""");
        Assert.Equal(PolicyDecision.Allow, Evaluate(anyKey, Request("kms:Encrypt", context: new() { ["tenant"] = "1", ["c"] = "1" })));
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(anyKey, Request("kms:Encrypt")));

        var needsContext = Allow("\"*\"", "\"kms:*\"", ""","Condition":{"Null":{"kms:EncryptionContextKeys":"false"}}""");
        Assert.Equal(PolicyDecision.Allow, Evaluate(needsContext, Request("kms:Encrypt", context: new() { ["a"] = "1" })));
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(needsContext, Request("kms:Encrypt")));
    }

    [Fact]
    public void Caller_and_service_conditions_use_the_request_and_kms_via_service_is_never_set()
    {
        Assert.Equal(PolicyDecision.Allow, Evaluate(Allow("\"*\"", "\"kms:*\"", ""","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}"""), Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(Allow("\"*\"", "\"kms:*\"", ""","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}"""), Request("kms:Encrypt", Mallory)));
        Assert.Equal(PolicyDecision.Allow, Evaluate(Allow("\"*\"", "\"kms:*\"", ""","Condition":{"StringNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/bob"}}"""), Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(Allow("\"*\"", "\"kms:*\"", ""","Condition":{"StringNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/bob"}}"""), Request("kms:Encrypt", Bob)));
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(Allow("\"*\"", "\"kms:*\"", ""","Condition":{"StringLike":{"kms:ViaService":"ec2.*.amazonaws.com"}}"""), Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.Allow, Evaluate(Allow("\"*\"", "\"kms:*\"", ""","Condition":{"Null":{"kms:ViaService":"true"}}"""), Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.Allow, Evaluate(Allow("\"*\"", "\"kms:*\"", ""","Condition":{"Bool":{"kms:GrantIsForAWSResource":false}}"""), Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.Allow, Evaluate(Allow("\"*\"", "\"kms:*\"", ""","Condition":{"StringEqualsIfExists":{"kms:EncryptionContext:x":"1"}}"""), Request("kms:Encrypt")));
    }

    [Fact]
    public void Unknown_operators_and_keys_fail_closed()
    {
        var unknownOperator = ""","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}""";
        var unknownKey = ""","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}""";

        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(Allow("\"*\"", "\"kms:*\"", unknownOperator), Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(Allow("\"*\"", "\"kms:*\"", unknownKey), Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.ExplicitDeny, Evaluate(Allow("\"*\"", "\"kms:*\"") + """,{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*" """ + unknownOperator + "}", Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.ExplicitDeny, Evaluate(Allow("\"*\"", "\"kms:*\"") + """,{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*" """ + unknownKey + "}", Request("kms:Encrypt")));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"Version":"2012-10-17"}""")]
    [InlineData("""{"Statement":[]}""")]
    [InlineData("""{"Version":"2099-01-01","Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Permit","Principal":"*","Action":"kms:*","Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Principal":"*","Action":"kms:*","Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":"*","Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":"alice","Action":"kms:*","Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"kms:*","Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":{"Martian":"x"},"Action":"kms:*","Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":"*","Action":[],"Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":"*","Action":"Encrypt","Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","NotAction":"kms:Decrypt","Resource":"*"}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":"x"}}}""")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Colour":"red"}}""")]
    public void Malformed_documents_are_rejected(string document)
    {
        var error = Assert.Throws<KmsException>(() => KeyPolicy.Parse(document));

        Assert.Equal(KmsErrorType.MalformedPolicyDocument, error.ErrorType);
    }

    [Fact]
    public void The_evaluator_caches_documents_and_denies_everything_for_an_unparsable_stored_one()
    {
        var evaluator = new KeyPolicyEvaluator(capacity: 2);
        var document = """{"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}}""";

        Assert.Same(evaluator.Parse(document), evaluator.Parse(document));
        Assert.Equal(PolicyDecision.Allow, evaluator.Evaluate(document, Request("kms:Encrypt")));
        Assert.Equal(PolicyDecision.ExplicitDeny, evaluator.Evaluate("{", Request("kms:Encrypt")));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(PolicyDecision.Allow, evaluator.Evaluate(document.Replace("kms:*", $"kms:{i}*", StringComparison.Ordinal) + " ", Request($"kms:{i}x")));
        }
    }

    [Fact]
    public void Evaluating_a_cached_policy_does_not_allocate()
    {
        var evaluator = new KeyPolicyEvaluator();
        var document = """{"Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringNotLike":{"kms:EncryptionContext:app":"web-*"}}},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}""";
        var request = Request("kms:Decrypt", context: new() { ["app"] = "web-1" });
        evaluator.Evaluate(document, request);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            evaluator.Evaluate(document, request);
        }

        Assert.Equal(PolicyDecision.Allow, evaluator.Evaluate(document, request));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1000 * 64, "evaluation allocates");
    }
}
