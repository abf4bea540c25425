namespace Conclave.Crypto.Tests;

/// <summary>Paths of the vectors copied under TestData/ (see TestData/SOURCES.md).</summary>
internal static class TestFiles
{
    public static string PathOf(string relativePath) => Path.Combine(AppContext.BaseDirectory, "TestData", relativePath);
}
