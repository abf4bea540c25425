using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;

namespace Conclave.Crypto.Tests;

/// <summary><see cref="SecretBytes"/>: holds a copy, wipes on dispose, never prints itself.</summary>
public sealed class SecretBytesTests
{
    [Fact]
    public void Copy_holds_an_independent_copy_of_the_input()
    {
        var input = RandomNumberGenerator.GetBytes(32);
        using var secret = SecretBytes.Copy(input);
        Assert.Equal(32, secret.Length);
        Assert.False(secret.IsDisposed);
        Assert.Equal(input, secret.Span.ToArray());

        input[0] ^= 0xff;
        Assert.NotEqual(input[0], secret.Span[0]);
    }

    [Fact]
    public void Create_lets_the_callback_fill_the_buffer_with_its_state()
    {
        using var secret = SecretBytes.Create(4, (byte)0x5a, static (span, state) => span.Fill(state));
        Assert.Equal(new byte[] { 0x5a, 0x5a, 0x5a, 0x5a }, secret.Span.ToArray());
    }

    [Fact]
    public void Create_propagates_a_failing_callback()
    {
        Assert.Throws<InvalidOperationException>(() => SecretBytes.Create<int>(8, 0, static (_, _) => throw new InvalidOperationException("boom")));
    }

    [Fact]
    public unsafe void Dispose_zeroes_the_pinned_buffer()
    {
        var input = RandomNumberGenerator.GetBytes(64);
        input[0] = 0xff; // at least one non-zero byte, so "all zero" after dispose means something
        var secret = SecretBytes.Copy(input);

        // The buffer is allocated pinned (GC.AllocateArray(pinned: true)), so its address stays valid
        // while the object is alive and the memory can be read after Span stops handing it out.
        nint address;
        fixed (byte* p = secret.Span)
        {
            address = (nint)p;
        }

        Assert.Equal(input, new ReadOnlySpan<byte>((void*)address, 64).ToArray());

        secret.Dispose();
        Assert.True(secret.IsDisposed);
        Assert.Equal(new byte[64], new ReadOnlySpan<byte>((void*)address, 64).ToArray());
        GC.KeepAlive(secret);
    }

    [Fact]
    public void Span_throws_after_Dispose_and_Dispose_is_idempotent()
    {
        var secret = SecretBytes.Copy([1, 2, 3]);
        secret.Dispose();
        secret.Dispose();
        Assert.Throws<ObjectDisposedException>(() => secret.Span.Length);
        Assert.Equal(3, secret.Length);
    }

    [Fact]
    public void ToString_and_the_debugger_display_are_redacted()
    {
        using var secret = SecretBytes.Copy(Convert.FromHexString("deadbeefcafebabe"));
        Assert.Equal("<redacted>", secret.ToString());
        var display = typeof(SecretBytes).GetCustomAttribute<DebuggerDisplayAttribute>();
        Assert.NotNull(display);
        Assert.Contains("redacted", display.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("Span", display.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_have_no_value_equality()
    {
        using var a = SecretBytes.Copy([1, 2, 3]);
        using var b = SecretBytes.Copy([1, 2, 3]);
        Assert.False(a.Equals(b));
        Assert.True(a.Equals(a));
    }
}
