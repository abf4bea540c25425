using System.Security.Cryptography;

namespace Conclave.Kms.Crypto.Internal;

/// <summary>
/// Public facts about one AWS key spec: its family, size, curve and the usages and algorithms AWS
/// allows for it. Holds no key material.
/// </summary>
internal sealed record KeySpecInfo(
    string Name,
    KeyFamily Family,
    int Bits,
    string? CurveOid,
    IReadOnlyList<string> KeyUsages,
    IReadOnlyList<string> SigningAlgorithms,
    IReadOnlyList<string> EncryptionAlgorithms,
    IReadOnlyList<string> MacAlgorithms,
    IReadOnlyList<string> KeyAgreementAlgorithms)
{
    /// <summary>The .NET curve for EC specs.</summary>
    public ECCurve Curve => CurveOid is null
        ? throw new InvalidOperationException("Not an EC key spec.")
        : ECCurve.CreateFromValue(CurveOid);

    /// <summary>Field size in bytes for EC specs (32, 48 or 66).</summary>
    public int CoordinateSize => (Bits + 7) / 8;
}
