using System.Text.Json;

namespace Conclave.Cli.SelfTest;

/// <summary>
/// One self-test signing run, printed with exactly the fields the selftest contract names: for
/// FROST the message is "message"; for CGGMP21 it is "messageHash" and "recoveryId" follows the
/// signature. CGGMP21 runs add "primes" (an extension: where the Paillier primes came from).
/// </summary>
internal sealed record SelfTestResult(
    string Protocol, string Suite, int Threshold, int Parties, IReadOnlyList<int> Signers, string PublicKey, string Message, string Signature, bool Verified, int? RecoveryId = null, string? Primes = null)
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
        w.WriteString(RecoveryId is null ? "message" : "messageHash", Message);
        w.WriteString("signature", Signature);
        if (RecoveryId is { } v)
        {
            w.WriteNumber("recoveryId", v);
        }

        w.WriteBoolean("verified", Verified);
        if (Primes is not null)
        {
            w.WriteString("primes", Primes);
        }

        w.WriteEndObject();
    }
}
