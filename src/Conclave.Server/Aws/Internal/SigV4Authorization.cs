namespace Conclave.Server.Aws.Internal;

/// <summary>
/// The parts of a SigV4 <c>Authorization</c> header, validated in form:
/// <c>AWS4-HMAC-SHA256 Credential=&lt;akid&gt;/&lt;yyyymmdd&gt;/&lt;region&gt;/&lt;service&gt;/aws4_request, SignedHeaders=a;b, Signature=&lt;hex&gt;</c>.
/// </summary>
internal readonly record struct SigV4Authorization(
    string AccessKeyId,
    string ScopeDate,
    string Region,
    string Service,
    string SignedHeaders,
    string Signature)
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";
    private const int MaxRegionLength = 64;

    /// <summary>Parses <paramref name="header"/>; throws a <see cref="Conclave.Kms.Api.KmsException"/> (IncompleteSignature) when malformed.</summary>
    public static SigV4Authorization Parse(ReadOnlySpan<char> header)
    {
        header = header.Trim();
        var space = header.IndexOf(' ');
        if (space < 0 || !header[..space].SequenceEqual(Algorithm))
        {
            throw space < 0 && header.SequenceEqual(Algorithm)
                ? SigV4Errors.MissingParameter("Credential")
                : SigV4Errors.UnsupportedAlgorithm();
        }

        ReadOnlySpan<char> credential = default, signedHeaders = default, signature = default;
        bool hasCredential = false, hasSignedHeaders = false, hasSignature = false;
        var rest = header[(space + 1)..];
        while (!rest.IsEmpty)
        {
            var comma = rest.IndexOf(',');
            var part = (comma < 0 ? rest : rest[..comma]).Trim();
            rest = comma < 0 ? default : rest[(comma + 1)..];
            if (part.IsEmpty)
            {
                continue;
            }

            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                throw SigV4Errors.Incomplete("Authorization header parameters must be of the form key=value.");
            }

            var key = part[..eq];
            var value = part[(eq + 1)..];
            if (key.SequenceEqual("Credential"))
            {
                Take(ref hasCredential, ref credential, value, "Credential");
            }
            else if (key.SequenceEqual("SignedHeaders"))
            {
                Take(ref hasSignedHeaders, ref signedHeaders, value, "SignedHeaders");
            }
            else if (key.SequenceEqual("Signature"))
            {
                Take(ref hasSignature, ref signature, value, "Signature");
            }
            else
            {
                throw SigV4Errors.Incomplete("Authorization header has an unknown parameter.");
            }
        }

        if (!hasCredential || credential.IsEmpty)
        {
            throw SigV4Errors.MissingParameter("Credential");
        }

        if (!hasSignedHeaders || signedHeaders.IsEmpty)
        {
            throw SigV4Errors.MissingParameter("SignedHeaders");
        }

        if (!hasSignature || signature.IsEmpty)
        {
            throw SigV4Errors.MissingParameter("Signature");
        }

        // Credential: akid/date/region/service/aws4_request (the access key id has no '/').
        Span<Range> parts = stackalloc Range[6];
        if (credential.Split(parts, '/') != 5)
        {
            throw SigV4Errors.Incomplete("Credential must have exactly 5 slash-separated elements: <access key id>/<yyyymmdd>/<region>/<service>/aws4_request.");
        }

        var akid = credential[parts[0]];
        var date = credential[parts[1]];
        var region = credential[parts[2]];
        var service = credential[parts[3]];
        if (!credential[parts[4]].SequenceEqual(Terminator))
        {
            throw SigV4Errors.Incomplete("Credential should be scoped with a valid terminator: 'aws4_request'.");
        }

        if (akid.IsEmpty || akid.Length > 128 || !IsAsciiToken(akid))
        {
            throw SigV4Errors.Incomplete("Credential has an invalid access key id.");
        }

        if (date.Length != 8 || !IsDigits(date))
        {
            throw SigV4Errors.Incomplete("Credential should be scoped to a valid date (yyyymmdd).");
        }

        if (region.IsEmpty || region.Length > MaxRegionLength || !IsLowerToken(region))
        {
            throw SigV4Errors.Incomplete("Credential should be scoped to a valid region.");
        }

        if (service.IsEmpty || service.Length > MaxRegionLength || !IsLowerToken(service))
        {
            throw SigV4Errors.Incomplete("Credential should be scoped to a valid service.");
        }

        ValidateSignedHeaders(signedHeaders);
        return new SigV4Authorization(
            akid.ToString(), date.ToString(), region.ToString(), service.ToString(), signedHeaders.ToString(), signature.ToString());
    }

    /// <summary>Whether <paramref name="name"/> (lowercase) is among the signed headers.</summary>
    public bool Signs(string name)
    {
        foreach (var range in SignedHeaders.AsSpan().Split(';'))
        {
            if (SignedHeaders.AsSpan(range).SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }

    private static void Take(ref bool seen, ref ReadOnlySpan<char> slot, ReadOnlySpan<char> value, string name)
    {
        if (seen)
        {
            throw SigV4Errors.DuplicateParameter(name);
        }

        seen = true;
        slot = value;
    }

    // SignedHeaders: lowercase names, ';'-separated, strictly ascending (sorted, no duplicates), as SigV4 requires.
    private static void ValidateSignedHeaders(ReadOnlySpan<char> signedHeaders)
    {
        ReadOnlySpan<char> previous = default;
        var first = true;
        foreach (var range in signedHeaders.Split(';'))
        {
            var name = signedHeaders[range];
            if (name.IsEmpty || !IsHeaderName(name))
            {
                throw SigV4Errors.Incomplete("SignedHeaders must be lowercase header names separated by ';'.");
            }

            if (!first && previous.SequenceCompareTo(name) >= 0)
            {
                throw SigV4Errors.Incomplete("SignedHeaders must be sorted and must not repeat a header.");
            }

            previous = name;
            first = false;
        }
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowerToken(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAsciiToken(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHeaderName(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-' && c != '_' && c != '.')
            {
                return false;
            }
        }

        return true;
    }
}
