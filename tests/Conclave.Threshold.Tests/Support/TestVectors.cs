using System.Text.Json;

namespace Conclave.Threshold.Tests.Support;

/// <summary>Loads JSON test vectors copied under TestData/ (see TestData/SOURCES.md).</summary>
public static class TestVectors
{
    public static JsonDocument Load(string relativePath) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", relativePath)));

    public static byte[] Hex(this JsonElement e) => Convert.FromHexString(e.GetString()!);

    public static int Int(this JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? int.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : e.GetInt32();
}
