using System.Text.Json;

namespace Conclave.Kms.Tests.Crypto;

/// <summary>Loads a Wycheproof (schema v1) vector file copied to TestData/wycheproof.</summary>
internal static class WycheproofFile
{
    public static JsonDocument Load(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "wycheproof", fileName);
        return JsonDocument.Parse(File.ReadAllBytes(path));
    }

    public static int NumberOfTests(JsonDocument document) => document.RootElement.GetProperty("numberOfTests").GetInt32();

    public static IEnumerable<(JsonElement Group, JsonElement Test)> Tests(JsonDocument document)
    {
        foreach (var group in document.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            foreach (var test in group.GetProperty("tests").EnumerateArray())
            {
                yield return (group, test);
            }
        }
    }

    public static byte[] Hex(JsonElement element, string property) => Convert.FromHexString(element.GetProperty(property).GetString()!);

    public static string Result(JsonElement test) => test.GetProperty("result").GetString()!;

    public static int Id(JsonElement test) => test.GetProperty("tcId").GetInt32();
}
