using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;

namespace Conclave.Kms.Tests.Service;

public sealed class KmsServiceTagTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static KmsCallContext Alice => KmsServiceHarness.Alice;

    [Fact]
    public async Task TagResource_merges_overwriting_values_of_existing_keys_and_UntagResource_removes()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest { Tags = [new Tag("team", "payments"), new Tag("env", "dev")] }, Ct)).KeyMetadata;

        await kms.Service.TagResourceAsync(Alice, new TagResourceRequest(key.KeyId, [new Tag("env", "prod"), new Tag("cost-center", "42")]), Ct);
        Assert.Equal([new Tag("cost-center", "42"), new Tag("env", "prod"), new Tag("team", "payments")], await TagsAsync(kms, key.Arn));

        await kms.Service.UntagResourceAsync(Alice, new UntagResourceRequest(key.Arn, ["team", "never-set"]), Ct);
        Assert.Equal([new Tag("cost-center", "42"), new Tag("env", "prod")], await TagsAsync(kms, key.KeyId));
    }

    [Fact]
    public async Task ListResourceTags_pages_with_a_marker()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var tags = Enumerable.Range(0, 7).Select(i => new Tag($"k{i}", $"v{i}")).ToList();
        await kms.Service.TagResourceAsync(Alice, new TagResourceRequest(key.KeyId, tags), Ct);

        var seen = new List<Tag>();
        string? marker = null;
        var pages = 0;
        do
        {
            var page = await kms.Service.ListResourceTagsAsync(Alice, new ListResourceTagsRequest(key.KeyId, 3, marker), Ct);
            Assert.Equal(page.NextMarker is not null, page.Truncated);
            seen.AddRange(page.Tags);
            marker = page.NextMarker;
            pages++;
        }
        while (marker is not null);

        Assert.Equal(tags, seen);
        Assert.Equal(3, pages);
        var badLimit = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.ListResourceTagsAsync(Alice, new ListResourceTagsRequest(key.KeyId, 51, null), Ct));
        Assert.Equal(KmsErrorType.Validation, badLimit.ErrorType);
    }

    [Fact]
    public async Task The_51st_tag_is_refused_and_nothing_changes()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        await kms.Service.TagResourceAsync(Alice, new TagResourceRequest(key.KeyId, Enumerable.Range(0, 50).Select(i => new Tag($"k{i:D2}", "v")).ToList()), Ct);

        await kms.Service.TagResourceAsync(Alice, new TagResourceRequest(key.KeyId, [new Tag("k00", "overwritten")]), Ct);
        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.TagResourceAsync(Alice, new TagResourceRequest(key.KeyId, [new Tag("k50", "v")]), Ct));

        Assert.Equal(KmsErrorType.Tag, error.ErrorType);
        var stored = await kms.Store.GetTagsAsync("111122223333", key.KeyId, Ct);
        Assert.Equal(50, stored.Count);
        Assert.Equal("overwritten", stored[0].TagValue);
    }

    [Theory]
    [InlineData("aws:reserved", "v")]
    [InlineData("AWS:Reserved", "v")]
    [InlineData("", "v")]
    [InlineData(null, "v")]
    [InlineData("k", null)]
    public async Task A_reserved_or_invalid_tag_is_a_tag_exception(string? tagKey, string? tagValue)
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.TagResourceAsync(Alice, new TagResourceRequest(key.KeyId, [new Tag(tagKey!, tagValue!)]), Ct));

        Assert.Equal(KmsErrorType.Tag, error.ErrorType);
    }

    [Fact]
    public async Task Tag_keys_over_128_and_values_over_256_characters_are_refused()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        await kms.Service.TagResourceAsync(Alice, new TagResourceRequest(key.KeyId, [new Tag(new string('k', 128), new string('v', 256)), new Tag("empty", "")]), Ct);

        var longKey = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.TagResourceAsync(Alice, new TagResourceRequest(key.KeyId, [new Tag(new string('k', 129), "v")]), Ct));
        var longValue = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.TagResourceAsync(Alice, new TagResourceRequest(key.KeyId, [new Tag("k", new string('v', 257))]), Ct));
        var untagLong = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.UntagResourceAsync(Alice, new UntagResourceRequest(key.KeyId, [new string('k', 129)]), Ct));

        Assert.Equal(KmsErrorType.Tag, longKey.ErrorType);
        Assert.Equal(KmsErrorType.Tag, longValue.ErrorType);
        Assert.Equal(KmsErrorType.Tag, untagLong.ErrorType);
        Assert.Equal(2, (await TagsAsync(kms, key.KeyId)).Count);
    }

    [Fact]
    public async Task Tags_take_a_key_id_or_arn_not_an_alias()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/tagged", key.KeyId), Ct);

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.TagResourceAsync(Alice, new TagResourceRequest("alias/tagged", [new Tag("k", "v")]), Ct));

        Assert.Equal(KmsErrorType.NotFound, error.ErrorType);
    }

    [Fact]
    public async Task A_key_pending_deletion_lists_its_tags_but_refuses_changes()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest { Tags = [new Tag("k", "v")] }, Ct)).KeyMetadata;
        await kms.Service.ScheduleKeyDeletionAsync(Alice, new ScheduleKeyDeletionRequest(key.KeyId, 7), Ct);

        var tag = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.TagResourceAsync(Alice, new TagResourceRequest(key.KeyId, [new Tag("k2", "v")]), Ct));
        var untag = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.UntagResourceAsync(Alice, new UntagResourceRequest(key.KeyId, ["k"]), Ct));

        Assert.Equal(KmsErrorType.KmsInvalidState, tag.ErrorType);
        Assert.Equal(KmsErrorType.KmsInvalidState, untag.ErrorType);
        Assert.Equal([new Tag("k", "v")], await TagsAsync(kms, key.KeyId));
    }

    [Fact]
    public async Task Another_account_cannot_read_or_change_tags()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest { Tags = [new Tag("k", "v")] }, Ct)).KeyMetadata;

        var list = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.ListResourceTagsAsync(KmsServiceHarness.Mallory, new ListResourceTagsRequest(key.Arn, null, null), Ct));
        var tag = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.TagResourceAsync(KmsServiceHarness.Mallory, new TagResourceRequest(key.Arn, [new Tag("k", "evil")]), Ct));

        Assert.Equal(KmsErrorType.AccessDenied, list.ErrorType);
        Assert.Equal(KmsErrorType.AccessDenied, tag.ErrorType);
        Assert.Equal([new Tag("k", "v")], await TagsAsync(kms, key.KeyId));
    }

    private static async Task<List<Tag>> TagsAsync(KmsServiceHarness kms, string keyId) =>
        (await kms.Service.ListResourceTagsAsync(Alice, new ListResourceTagsRequest(keyId, null, null), Ct)).Tags.ToList();
}
