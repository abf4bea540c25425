using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Conclave.Crypto;
using Conclave.Mpc.Storage;
using Net.Pkcs11Interop.Common;

namespace Conclave.Mpc.Tests.Storage;

public sealed class Pkcs11RootKeyProviderTests(SoftHsmToken token)
{
    private const int WrappedLength = 1 + 12 + 32 + 16;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReadOnlyMemory<byte> Context => "tenant-7/kek"u8.ToArray();

    [Fact]
    public async Task A_wrapped_key_unwraps_to_the_same_bytes()
    {
        using var provider = Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("roundtrip")));
        using var dataKey = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));

        var wrapped = await provider.WrapAsync(dataKey, Context, Ct);
        using var unwrapped = await provider.UnwrapAsync(wrapped, Context, Ct);

        Assert.Equal(WrappedLength, wrapped.Length);
        Assert.Equal(1, wrapped[0]);
        Assert.True(unwrapped.Span.SequenceEqual(dataKey.Span));
        Assert.DoesNotContain(Convert.ToHexString(dataKey.Span[..8]), Convert.ToHexString(wrapped), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_wraps_of_the_same_key_differ_because_the_iv_is_fresh()
    {
        using var provider = Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("fresh-iv")));
        using var dataKey = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));

        var first = await provider.WrapAsync(dataKey, Context, Ct);
        var second = await provider.WrapAsync(dataKey, Context, Ct);

        Assert.NotEqual(first.AsSpan(1, 12).ToArray(), second.AsSpan(1, 12).ToArray());
        Assert.NotEqual(first.AsSpan(13).ToArray(), second.AsSpan(13).ToArray());
    }

    [Fact]
    public async Task Unwrapping_with_another_context_fails_without_naming_key_bytes()
    {
        using var provider = Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("context")));
        using var dataKey = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));
        var wrapped = await provider.WrapAsync(dataKey, Context, Ct);

        var e = await Assert.ThrowsAsync<CryptographicException>(async () => await provider.UnwrapAsync(wrapped, "tenant-8/kek"u8.ToArray(), Ct));
        Assert.Contains("altered", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(dataKey.Span[..8]), e.ToString(), StringComparison.OrdinalIgnoreCase);
        await Assert.ThrowsAsync<CryptographicException>(async () => await provider.UnwrapAsync(wrapped, ReadOnlyMemory<byte>.Empty, Ct));
    }

    [Theory]
    [InlineData(0)] // version
    [InlineData(1)] // first IV byte
    [InlineData(12)] // last IV byte
    [InlineData(13)] // first ciphertext byte
    [InlineData(44)] // last ciphertext byte
    [InlineData(45)] // first tag byte
    [InlineData(60)] // last tag byte
    public async Task Unwrapping_fails_when_any_region_of_the_wrapped_key_is_altered(int index)
    {
        using var provider = Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("tamper")));
        using var dataKey = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));
        var wrapped = await provider.WrapAsync(dataKey, Context, Ct);
        using (await provider.UnwrapAsync(wrapped, Context, Ct))
        {
        }

        wrapped[index] ^= 0x01;

        var e = await Assert.ThrowsAsync<CryptographicException>(async () => await provider.UnwrapAsync(wrapped, Context, Ct));
        Assert.Contains(index == 0 ? "malformed" : "altered", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(dataKey.Span[..8]), e.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(WrappedLength - 1)]
    [InlineData(WrappedLength + 1)]
    public async Task Unwrapping_a_wrapped_key_of_the_wrong_length_fails(int length)
    {
        using var provider = Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("length")));
        using var dataKey = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));
        var wrapped = await provider.WrapAsync(dataKey, Context, Ct);
        var resized = new byte[length];
        wrapped.AsSpan(0, Math.Min(length, wrapped.Length)).CopyTo(resized);

        var e = await Assert.ThrowsAsync<CryptographicException>(async () => await provider.UnwrapAsync(resized, Context, Ct));
        Assert.Contains("malformed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrapping_a_key_that_is_not_32_bytes_is_refused()
    {
        using var provider = Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("argument")));
        using var shortKey = SecretBytes.Copy(new byte[16]);

        await Assert.ThrowsAsync<ArgumentException>(async () => await provider.WrapAsync(shortKey, Context, Ct));
    }

    [Fact]
    public async Task A_second_provider_finds_the_created_key_and_unwraps_what_the_first_wrapped()
    {
        var label = SoftHsmToken.NewKeyLabel("reopen");
        using var dataKey = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));
        byte[] wrapped;
        using (var first = Pkcs11RootKeyProvider.Open(token.Options(label)))
        {
            wrapped = await first.WrapAsync(dataKey, Context, Ct);
        }

        using var second = Pkcs11RootKeyProvider.Open(token.Options(label) with { Slot = SoftHsmToken.TokenLabel }); // by token label this time
        using var unwrapped = await second.UnwrapAsync(wrapped, Context, Ct);

        Assert.True(unwrapped.Span.SequenceEqual(dataKey.Span));
        Assert.Equal(token.SlotId, second.SlotId);
    }

    [Fact]
    public void The_created_key_is_a_sensitive_non_extractable_private_aes_256_token_key()
    {
        var label = SoftHsmToken.NewKeyLabel("attributes");
        using (Pkcs11RootKeyProvider.Open(token.Options(label)))
        {
        }

        using var session = new TokenSession(token.SlotId);
        var key = Assert.Single(session.FindKeys(label));
        Assert.True(session.ReadBool(key, CKA.CKA_SENSITIVE));
        Assert.False(session.ReadBool(key, CKA.CKA_EXTRACTABLE));
        Assert.True(session.ReadBool(key, CKA.CKA_NEVER_EXTRACTABLE));
        Assert.True(session.ReadBool(key, CKA.CKA_ALWAYS_SENSITIVE));
        Assert.True(session.ReadBool(key, CKA.CKA_TOKEN));
        Assert.True(session.ReadBool(key, CKA.CKA_PRIVATE));
        Assert.Equal((ulong)CKK.CKK_AES, session.ReadUlong(key, CKA.CKA_KEY_TYPE));
        Assert.Equal(32UL, session.ReadUlong(key, CKA.CKA_VALUE_LEN));
    }

    [Fact]
    public async Task Keys_under_different_labels_differ()
    {
        using var one = Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("label-a")));
        using var other = Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("label-b")));
        using var dataKey = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));

        var wrapped = await one.WrapAsync(dataKey, Context, Ct);

        await Assert.ThrowsAsync<CryptographicException>(async () => await other.UnwrapAsync(wrapped, Context, Ct));
    }

    [Theory]
    [InlineData(false, true, "extractable")]
    [InlineData(true, true, "extractable")]
    [InlineData(false, false, "not sensitive")]
    public void An_existing_key_that_could_leave_the_hsm_is_refused(bool sensitive, bool extractable, string reason)
    {
        var label = SoftHsmToken.NewKeyLabel("weak");
        using (var session = new TokenSession(token.SlotId))
        {
            session.GenerateAesKey(label, sensitive, extractable);
        }

        var e = Assert.Throws<InvalidOperationException>(() => Pkcs11RootKeyProvider.Open(token.Options(label)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Contains("is not a root key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_keys_with_the_label_are_refused()
    {
        var label = SoftHsmToken.NewKeyLabel("twice");
        using (var session = new TokenSession(token.SlotId))
        {
            session.GenerateAesKey(label, sensitive: true, extractable: false);
            session.GenerateAesKey(label, sensitive: true, extractable: false);
        }

        var e = Assert.Throws<InvalidOperationException>(() => Pkcs11RootKeyProvider.Open(token.Options(label)));
        Assert.Contains("exactly one key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_pin_gives_a_clear_error_without_the_pin()
    {
        const string wrongPin = "wrong-pin-90210";
        var options = token.Options(SoftHsmToken.NewKeyLabel("pin")) with
        {
            Slot = token.SpareSlotId.ToString(CultureInfo.InvariantCulture), // nothing else logs in here: the PIN goes to C_Login
            Pin = wrongPin,
        };

        var e = Assert.Throws<InvalidOperationException>(() => Pkcs11RootKeyProvider.Open(options));

        Assert.StartsWith($"HSM login failed for slot {token.SpareSlotId}: wrong PIN or locked token", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPin, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SoftHsmToken.Pin, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_pin_is_refused_also_while_the_slot_is_logged_in()
    {
        const string wrongPin = "wrong-pin-31337";
        using var loggedIn = Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("logged-in")));

        var e = Assert.Throws<InvalidOperationException>(() => Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("pin")) with { Pin = wrongPin }));

        Assert.StartsWith($"HSM login failed for slot {token.SlotId}: wrong PIN or locked token", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPin, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_slot_is_refused_with_the_slots_that_exist()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Pkcs11RootKeyProvider.Open(token.Options("unused") with { Slot = "987654321" }));
        Assert.Contains("987654321", e.Message, StringComparison.Ordinal);
        Assert.Contains(token.SlotId.ToString(CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SoftHsmToken.Pin, e.ToString(), StringComparison.Ordinal);

        e = Assert.Throws<InvalidOperationException>(() => Pkcs11RootKeyProvider.Open(token.Options("unused") with { Slot = "no-such-token" }));
        Assert.Contains("no-such-token", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_library_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Pkcs11RootKeyProvider.Open(token.Options("unused") with { LibraryPath = "/nonexistent/libpkcs11.so" }));
        Assert.Contains("/nonexistent/libpkcs11.so", e.Message, StringComparison.Ordinal);
        Assert.Contains("HSM_LIB_PATH", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_wraps_and_unwraps_all_succeed()
    {
        using var provider = Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("concurrent")) with { MaxSessions = 3 });

        var tasks = Enumerable.Range(0, 12).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var context = Encoding.UTF8.GetBytes($"worker-{worker}/{i}");
                using var dataKey = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));
                var wrapped = await provider.WrapAsync(dataKey, context, Ct);
                using var unwrapped = await provider.UnwrapAsync(wrapped, context, Ct);
                Assert.True(unwrapped.Span.SequenceEqual(dataKey.Span));
            }
        }, Ct));

        await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task A_disposed_provider_refuses_calls_and_leaves_other_providers_working()
    {
        var label = SoftHsmToken.NewKeyLabel("dispose");
        using var survivor = Pkcs11RootKeyProvider.Open(token.Options(label));
        var disposed = Pkcs11RootKeyProvider.Open(token.Options(label));
        using var dataKey = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));
        var wrapped = await disposed.WrapAsync(dataKey, Context, Ct);

        disposed.Dispose();
        disposed.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await disposed.WrapAsync(dataKey, Context, Ct));
        using var unwrapped = await survivor.UnwrapAsync(wrapped, Context, Ct);
        Assert.True(unwrapped.Span.SequenceEqual(dataKey.Span));
    }

    [Fact]
    public void The_provider_and_its_options_print_no_pin()
    {
        var options = token.Options(SoftHsmToken.NewKeyLabel("print"));
        using var provider = Pkcs11RootKeyProvider.Open(options);

        Assert.DoesNotContain(SoftHsmToken.Pin, options.ToString(), StringComparison.Ordinal);
        Assert.Contains("<redacted>", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SoftHsmToken.Pin, provider.ToString(), StringComparison.Ordinal);
        Assert.Contains(options.KeyLabel, provider.ToString(), StringComparison.Ordinal);
    }
}
