using Conclave.Mpc.Storage;

namespace Conclave.Mpc.Tests.Storage;

public sealed class Pkcs11RootKeyOptionsTests
{
    private static readonly Dictionary<string, string> Complete = new()
    {
        ["HSM_LIB_PATH"] = "/usr/lib/softhsm/libsofthsm2.so",
        ["HSM_PIN"] = "secret-pin-4711",
        ["HSM_SLOT"] = "1234567",
        ["HSM_KEY_LABEL"] = "conclave-root",
    };

    [Fact]
    public void The_four_hsm_variables_are_read()
    {
        var options = Pkcs11RootKeyOptions.FromVariables(Lookup(Complete));

        Assert.Equal("/usr/lib/softhsm/libsofthsm2.so", options.LibraryPath);
        Assert.Equal("secret-pin-4711", options.Pin);
        Assert.Equal("1234567", options.Slot);
        Assert.Equal(1234567UL, options.SlotId);
        Assert.Equal("conclave-root", options.KeyLabel);
        Assert.Equal(Pkcs11RootKeyOptions.DefaultMaxSessions, options.MaxSessions);
    }

    [Fact]
    public void A_slot_that_is_not_a_number_is_a_token_label()
    {
        var options = Pkcs11RootKeyOptions.FromVariables(Lookup(With("HSM_SLOT", "node-token")));

        Assert.Null(options.SlotId);
        Assert.Equal("node-token", options.Slot);
    }

    [Theory]
    [InlineData("HSM_LIB_PATH")]
    [InlineData("HSM_PIN")]
    [InlineData("HSM_SLOT")]
    [InlineData("HSM_KEY_LABEL")]
    public void A_missing_variable_is_named_in_the_error(string name)
    {
        var missing = new Dictionary<string, string>(Complete);
        missing.Remove(name);

        var e = Assert.Throws<InvalidOperationException>(() => Pkcs11RootKeyOptions.FromVariables(Lookup(missing)));

        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pin-4711", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HSM_PIN", "   ")]
    [InlineData("HSM_LIB_PATH", "")]
    [InlineData("HSM_LIB_PATH", "libsofthsm2.so")]
    public void A_blank_or_relative_value_is_refused(string name, string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Pkcs11RootKeyOptions.FromVariables(Lookup(With(name, value))));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_real_environment_is_read_through_the_same_rules()
    {
        // Only checks that a missing variable is reported; the process environment is not changed.
        if (Environment.GetEnvironmentVariable("HSM_LIB_PATH") is null)
        {
            var e = Assert.Throws<InvalidOperationException>(Pkcs11RootKeyOptions.FromEnvironment);
            Assert.Contains("HSM_LIB_PATH", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Options_print_without_the_pin()
    {
        var options = Pkcs11RootKeyOptions.FromVariables(Lookup(Complete));

        Assert.DoesNotContain("secret-pin-4711", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("conclave-root", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pin-4711", (options with { MaxSessions = 2 }).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void A_session_count_out_of_range_is_refused(int maxSessions)
    {
        var options = Pkcs11RootKeyOptions.FromVariables(Lookup(Complete)) with { MaxSessions = maxSessions };
        Assert.Throws<InvalidOperationException>(options.Validate);
    }

    private static Dictionary<string, string> With(string name, string value) => new(Complete) { [name] = value };

    private static Func<string, string?> Lookup(Dictionary<string, string> variables) =>
        name => variables.TryGetValue(name, out var value) ? value : null;
}
