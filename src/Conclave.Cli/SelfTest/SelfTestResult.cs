using System.Text.Json;

namespace Conclave.Cli.SelfTest;

/// <summary>One self-test signing run, printed with exactly the fields the selftest contract names.</summary>
internal sealed record SelfTestResult(
    string Protocol, string Suite, int Threshold, int Parties, IReadOnlyList<int> Signers, string PublicKey, string Message, string Signature, bool Verified)
{
    internal void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("protocol", Protocol);
        w.WriteString("suite", Suite);
        w.WriteNumber("threshold", Threshold);
        w.WriteNumber("parties", Parties);
        w.WriteStartArray("signers");
        foreach (var s in Signers)
        {
            w.WriteNumberValue(s);
        }

        w.WriteEndArray();
        w.WriteString("publicKey", PublicKey);
        w.WriteString("message", Message);
        w.WriteString("signature", Signature);
        w.WriteBoolean("verified", Verified);
        w.WriteEndObject();
    }
}
