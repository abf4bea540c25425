using System.Globalization;

namespace Conclave.Mpc.Storage;

/// <summary>
/// Where the PKCS#11 root key lives: the module (shared library), the token's slot, the user PIN and
/// the label of the AES-256 key. <see cref="ToString"/> never shows the PIN.
/// <para>
/// The PIN is a <see cref="string"/> because it arrives as one (an environment variable or bound
/// configuration); the provider copies it into a pinned buffer for C_Login and wipes that buffer.
/// </para>
/// </summary>
public sealed record Pkcs11RootKeyOptions
{
    /// <summary>Environment variable holding <see cref="LibraryPath"/>.</summary>
    public const string LibraryPathVariable = "HSM_LIB_PATH";

    /// <summary>Environment variable holding <see cref="Pin"/>.</summary>
    public const string PinVariable = "HSM_PIN";

    /// <summary>Environment variable holding <see cref="Slot"/>.</summary>
    public const string SlotVariable = "HSM_SLOT";

    /// <summary>Environment variable holding <see cref="KeyLabel"/>.</summary>
    public const string KeyLabelVariable = "HSM_KEY_LABEL";

    /// <summary>Sessions kept open for concurrent wrap and unwrap calls, unless set otherwise.</summary>
    public const int DefaultMaxSessions = 4;

    /// <summary>Full path of the PKCS#11 module, for example <c>/usr/lib/softhsm/libsofthsm2.so</c>.</summary>
    public required string LibraryPath { get; init; }

    /// <summary>The user PIN of the token. Secret: never logged, never in <see cref="ToString"/>.</summary>
    public required string Pin { get; init; }

    /// <summary>
    /// The token: a decimal slot id (as <c>softhsm2-util --show-slots</c> prints it), or otherwise the
    /// token label.
    /// </summary>
    public required string Slot { get; init; }

    /// <summary>CKA_LABEL of the AES-256 root key on the token; the key is generated if absent.</summary>
    public required string KeyLabel { get; init; }

    /// <summary>Sessions kept open so that concurrent calls do not wait on each other (1 to 64).</summary>
    public int MaxSessions { get; init; } = DefaultMaxSessions;

    /// <summary>The slot id if <see cref="Slot"/> is a decimal number, otherwise null (a token label).</summary>
    public ulong? SlotId =>
        ulong.TryParse(Slot, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>
    /// Reads <c>HSM_LIB_PATH</c>, <c>HSM_PIN</c>, <c>HSM_SLOT</c> and <c>HSM_KEY_LABEL</c> from the
    /// process environment. Throws <see cref="InvalidOperationException"/> naming the variable that is
    /// missing or invalid (never its value when it is the PIN).
    /// </summary>
    public static Pkcs11RootKeyOptions FromEnvironment() => FromVariables(Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="FromEnvironment"/>, reading the variables through <paramref name="lookup"/>.</summary>
    public static Pkcs11RootKeyOptions FromVariables(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var options = new Pkcs11RootKeyOptions
        {
            LibraryPath = Required(lookup, LibraryPathVariable, "the full path of the PKCS#11 module, for example /usr/lib/softhsm/libsofthsm2.so"),
            Pin = Required(lookup, PinVariable, "the user PIN of the token"),
            Slot = Required(lookup, SlotVariable, "the slot id (decimal) or the label of the token"),
            KeyLabel = Required(lookup, KeyLabelVariable, "the label of the AES-256 root key on the token"),
        };
        options.Validate();
        return options;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> if a value is missing or out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(LibraryPath))
        {
            throw new InvalidOperationException($"The PKCS#11 library path ({LibraryPathVariable}) is empty.");
        }

        if (!Path.IsPathFullyQualified(LibraryPath))
        {
            throw new InvalidOperationException($"The PKCS#11 library path ({LibraryPathVariable}) '{LibraryPath}' is not a full path.");
        }

        if (string.IsNullOrEmpty(Pin))
        {
            throw new InvalidOperationException($"The HSM user PIN ({PinVariable}) is empty.");
        }

        if (string.IsNullOrWhiteSpace(Slot))
        {
            throw new InvalidOperationException($"The HSM slot ({SlotVariable}) is empty.");
        }

        if (string.IsNullOrWhiteSpace(KeyLabel) || KeyLabel.Length > 256)
        {
            throw new InvalidOperationException($"The root key label ({KeyLabelVariable}) must be 1 to 256 characters and not blank.");
        }

        if (MaxSessions is < 1 or > 64)
        {
            throw new InvalidOperationException($"MaxSessions is {MaxSessions}; it must be 1 to 64.");
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Pkcs11RootKeyOptions {{ LibraryPath = {LibraryPath}, Slot = {Slot}, KeyLabel = {KeyLabel}, MaxSessions = {MaxSessions}, Pin = <redacted> }}";

    private static string Required(Func<string, string?> lookup, string name, string meaning)
    {
        var value = lookup(name);
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"The environment variable {name} is not set: it must hold {meaning}.")
            : value;
    }
}
