using System.Text;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>
/// The frozen version-1 storage encodings in TestData/Compat/v1 (TEST-ONLY keys; see the README
/// there): a 2-of-3 key share and the aux info of each of parties 1, 2 and 3, from one run.
/// </summary>
internal static class CompatV1
{
    public const string Folder = "TestData/Compat/v1";

    /// <summary>The public key of the frozen 2-of-3 key (compressed SEC1).</summary>
    public const string PublicKeyHex = "02f2bfd00fb7339b2dde8094059310d8993c95d8d36aeab1364814e741480c95bd";

    /// <summary>The public shares X_1, X_2, X_3 of the frozen key.</summary>
    public static readonly string[] PublicSharesHex =
    [
        "03a9482f81e2c19b428f6a63b2233b6ecf9cda751b17f2179a6f430acc10158bf1",
        "03f47ed54741d3f55c56142b06383822b784af37594d8e8f92681fdc0c81a47165",
        "02fbaedd4cd48d44b8241e091e83da4503a1f0ebc6029be6a35da1c70771a26372",
    ];

    /// <summary>SHA-256 of the decoded bytes of each frozen file (also in the README): the files must never change.</summary>
    public static readonly IReadOnlyDictionary<string, string> Sha256 = new Dictionary<string, string>
    {
        ["cggmp-keyshare-2of3-party1.hex"] = "a345c619d504e70ddb3cfc9e313d90812d94d049383b8a25452571750bc09ea9",
        ["cggmp-keyshare-2of3-party2.hex"] = "9783ce69ea18b90ee0fd602af4d69c1b61f2cce25b95de64f164c71168c7689b",
        ["cggmp-keyshare-2of3-party3.hex"] = "c0e07230700a01dcaf12f8791e4d903b65e97f425a38797c72b13df43fc91aef",
        ["cggmp-auxinfo-party1.hex"] = "5287b1d643992cc5d7d7daddc40600cdbafb5f7ca2388e7749e40d84874b710c",
        ["cggmp-auxinfo-party2.hex"] = "698bcf3bcacb61bcf0bffc7aa91a4c556cfe1a55176c15d546ca2703623c66e5",
        ["cggmp-auxinfo-party3.hex"] = "28943ced33909513dfca1ad773226d3d2d681ca2f24f3318c9eb04f94c1df379",
    };

    public static string KeyShareFile(int party) => $"cggmp-keyshare-2of3-party{party}.hex";

    public static string AuxInfoFile(int party) => $"cggmp-auxinfo-party{party}.hex";

    public static byte[] Read(string file) =>
        FromHexText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, Folder, file)));

    /// <summary>Lowercase hex, 64 bytes (128 characters) per line, ending with a newline.</summary>
    public static string ToHexText(ReadOnlySpan<byte> data)
    {
        var hex = Convert.ToHexStringLower(data);
        var text = new StringBuilder();
        for (var i = 0; i < hex.Length; i += 128)
        {
            text.Append(hex.AsSpan(i, Math.Min(128, hex.Length - i))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The bytes of hex text, ignoring whitespace.</summary>
    public static byte[] FromHexText(string text) =>
        Convert.FromHexString(string.Concat(text.Where(c => !char.IsWhiteSpace(c))));
}
