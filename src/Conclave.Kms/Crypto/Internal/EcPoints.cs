using System.Security.Cryptography;

namespace Conclave.Kms.Crypto.Internal;

/// <summary>Public EC point helpers.</summary>
internal static class EcPoints
{
    /// <summary>SEC 1 compressed encoding: 0x02/0x03 by the parity of y, then x.</summary>
    public static byte[] Compress(ECPoint q)
    {
        var x = q.X!;
        var y = q.Y!;
        var result = new byte[1 + x.Length];
        result[0] = (byte)(0x02 | (y[^1] & 1));
        x.CopyTo(result, 1);
        return result;
    }

    /// <summary>Whether <paramref name="curve"/> is the named curve <paramref name="oid"/>.</summary>
    public static bool IsCurve(ECCurve curve, string oid)
    {
        if (!curve.IsNamed)
        {
            return false;
        }

        if (curve.Oid.Value is { } value)
        {
            return string.Equals(value, oid, StringComparison.Ordinal);
        }

        var friendly = curve.Oid.FriendlyName;
        if (friendly is null)
        {
            return false;
        }

        try
        {
            return string.Equals(Oid.FromFriendlyName(friendly, OidGroup.All).Value, oid, StringComparison.Ordinal);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
