using System.Text;
using Conclave.Kms.Api;

namespace Conclave.Kms.Service;

/// <summary>
/// Pagination markers: opaque to callers (base64url of <c>kind:position</c>); a marker from another
/// list, or one that is not ours, answers InvalidMarkerException.
/// </summary>
internal static class Marker
{
    public static string Encode(string kind, string position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{kind}:{position}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string? Decode(string? marker, string kind)
    {
        if (marker is null)
        {
            return null;
        }

        try
        {
            var base64 = marker.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            if (text.StartsWith(kind + ":", StringComparison.Ordinal))
            {
                return text[(kind.Length + 1)..];
            }
        }
        catch (FormatException)
        {
        }

        throw new KmsException(KmsErrorType.InvalidMarker, "The pagination marker is not valid for this request.");
    }
}
