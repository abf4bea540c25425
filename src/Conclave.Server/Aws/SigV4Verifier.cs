using System.Globalization;
using System.Security.Cryptography;
using Conclave.Kms.Api;
using Conclave.Kms.Tenants;
using Conclave.Server.Aws.Internal;
using Microsoft.AspNetCore.Http;

namespace Conclave.Server.Aws;

/// <summary>
/// Verifies AWS Signature Version 4 in its header form (<c>Authorization: AWS4-HMAC-SHA256 ...</c>)
/// for the <c>kms</c> service, in any region, as AWS documents it.
/// </summary>
/// <remarks>
/// Failures throw <see cref="KmsException"/> with AWS's error type: MissingAuthenticationTokenException
/// (no Authorization header), IncompleteSignatureException (malformed header or missing parts),
/// UnrecognizedClientException (unknown access key, or X-Amz-Security-Token present: temporary
/// credentials are not supported) and InvalidSignatureException (mismatch, wrong service or date
/// scope, clock skew beyond <see cref="MaxClockSkew"/>, unsigned or mismatched payload hash).
/// Signing keys are derived per request and zeroed (no cache: the four extra HMACs cost about a
/// microsecond, and a cache would keep derived secrets alive).
/// </remarks>
public sealed class SigV4Verifier
{
    /// <summary>The service name the credential scope must carry.</summary>
    public const string KmsService = "kms";

    private const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    private readonly IPrincipalDirectory _directory;
    private readonly TimeProvider _timeProvider;
    private readonly string _service;

    /// <summary>Creates a verifier for the <c>kms</c> service.</summary>
    public SigV4Verifier(IPrincipalDirectory directory, TimeProvider timeProvider)
        : this(directory, timeProvider, KmsService)
    {
    }

    /// <summary>Creates a verifier for another service (AWS's published test vectors sign for <c>iam</c>).</summary>
    internal SigV4Verifier(IPrincipalDirectory directory, TimeProvider timeProvider, string service)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _directory = directory;
        _timeProvider = timeProvider;
        _service = service;
    }

    /// <summary>The largest difference allowed between the request time and the server clock, either way.</summary>
    public static TimeSpan MaxClockSkew { get; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Verifies the signature of a request and returns who signed it and for which region.
    /// </summary>
    /// <param name="method">The HTTP method, for example <c>POST</c>.</param>
    /// <param name="rawTarget">The request target as sent on the wire (path and query, still URI-encoded), for example <c>/</c>.</param>
    /// <param name="headers">The request headers.</param>
    /// <param name="payload">The complete request body.</param>
    /// <param name="cancellationToken">Cancels the principal lookup.</param>
    /// <exception cref="KmsException">The request is not correctly signed (see the remarks of the type).</exception>
    public async ValueTask<SigV4Identity> VerifyAsync(
        string method, string rawTarget, IHeaderDictionary headers, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(rawTarget);
        ArgumentNullException.ThrowIfNull(headers);
        var (authorization, amzDate) = Prepare(headers);
        var found = await _directory.FindAsync(authorization.AccessKeyId, cancellationToken).ConfigureAwait(false);
        if (found is not { } entry)
        {
            throw SigV4Errors.UnknownAccessKey();
        }

        using var secret = entry.SecretAccessKey;
        if (!SignatureMatches(authorization, amzDate, method, rawTarget, headers, payload.Span, secret.Span))
        {
            throw SigV4Errors.Mismatch();
        }

        return new SigV4Identity(entry.Principal, authorization.Region);
    }

    /// <summary>
    /// Computes the signature (lowercase hex) of a request for <paramref name="secretAccessKey"/>, from
    /// its Authorization header's scope and signed headers; for tests and diagnostics.
    /// </summary>
    internal static string ComputeSignature(
        string method, string rawTarget, IHeaderDictionary headers, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> secretAccessKey, string amzDate)
    {
        var authorization = SigV4Authorization.Parse(headers.Authorization.ToString());
        Span<byte> signature = stackalloc byte[SigV4Canonicalizer.HashSize];
        ComputeSignatureCore(authorization, amzDate, method, rawTarget, headers, payload, secretAccessKey, signature);
        Span<char> hex = stackalloc char[SigV4Canonicalizer.HashSize * 2];
        SigV4Canonicalizer.WriteLowerHex(signature, hex);
        return hex.ToString();
    }

    /// <summary>The canonical request of a request (for tests against AWS's published canonical requests).</summary>
    internal static string CanonicalRequest(string method, string rawTarget, IHeaderDictionary headers, ReadOnlySpan<byte> payload)
    {
        var authorization = SigV4Authorization.Parse(headers.Authorization.ToString());
        Span<char> payloadHex = stackalloc char[SigV4Canonicalizer.HashSize * 2];
        PayloadHashHex(payload, payloadHex);
        var writer = new PooledByteWriter(1024);
        try
        {
            SigV4Canonicalizer.WriteCanonicalRequest(ref writer, method, rawTarget, headers, authorization.SignedHeaders, payloadHex);
            return System.Text.Encoding.UTF8.GetString(writer.Written);
        }
        finally
        {
            writer.Dispose();
        }
    }

    // Everything that needs no secret: header form, scope, time and skew, required signed headers.
    private (SigV4Authorization Authorization, string AmzDate) Prepare(IHeaderDictionary headers)
    {
        var authorizationHeader = headers.Authorization;
        if (authorizationHeader.Count == 0 || string.IsNullOrWhiteSpace(authorizationHeader[0]))
        {
            throw SigV4Errors.MissingToken();
        }

        if (authorizationHeader.Count > 1)
        {
            throw SigV4Errors.Incomplete("The request must carry exactly one Authorization header.");
        }

        if (headers.ContainsKey("X-Amz-Security-Token"))
        {
            throw SigV4Errors.TemporaryCredentials();
        }

        var authorization = SigV4Authorization.Parse(authorizationHeader[0]);
        var requestTime = RequestTime(headers, out var amzDate, out var fromAmzDate);
        if (!string.Equals(authorization.Service, _service, StringComparison.Ordinal))
        {
            throw SigV4Errors.WrongService(_service, authorization.Service);
        }

        if (!amzDate.AsSpan(0, 8).SequenceEqual(authorization.ScopeDate))
        {
            throw SigV4Errors.DateMismatch(authorization.ScopeDate, amzDate);
        }

        if (!authorization.Signs("host"))
        {
            throw SigV4Errors.UnsignedHeader("host");
        }

        if (fromAmzDate && !authorization.Signs("x-amz-date"))
        {
            throw SigV4Errors.UnsignedHeader("x-amz-date");
        }

        var now = _timeProvider.GetUtcNow();
        if (requestTime < now - MaxClockSkew)
        {
            throw SigV4Errors.Expired(amzDate, Format(now - MaxClockSkew), Format(now));
        }

        if (requestTime > now + MaxClockSkew)
        {
            throw SigV4Errors.NotYetCurrent(amzDate, Format(now + MaxClockSkew), Format(now));
        }

        return (authorization, amzDate);
    }

    private static DateTimeOffset RequestTime(IHeaderDictionary headers, out string amzDate, out bool fromAmzDate)
    {
        if (headers.TryGetValue("X-Amz-Date", out var xAmzDate) && xAmzDate.Count > 0)
        {
            fromAmzDate = true;
            if (xAmzDate.Count > 1 || !DateTimeOffset.TryParseExact(
                    xAmzDate[0], AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                throw SigV4Errors.Incomplete("X-Amz-Date must be one ISO-8601 basic timestamp (yyyyMMddTHHmmssZ).");
            }

            amzDate = xAmzDate[0]!;
            return parsed;
        }

        fromAmzDate = false;
        if (headers.TryGetValue("Date", out var date) && date.Count > 0)
        {
            if (date.Count > 1 || !DateTimeOffset.TryParseExact(
                    date[0], "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                throw SigV4Errors.Incomplete("The Date header must be one RFC 1123 date.");
            }

            amzDate = Format(parsed);
            return parsed;
        }

        throw SigV4Errors.MissingDate();
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);

    private static bool SignatureMatches(
        SigV4Authorization authorization, string amzDate, string method, string rawTarget, IHeaderDictionary headers, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> secret)
    {
        Span<byte> provided = stackalloc byte[SigV4Canonicalizer.HashSize];
        if (authorization.Signature.Length != SigV4Canonicalizer.HashSize * 2
            || Convert.FromHexString(authorization.Signature, provided, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != SigV4Canonicalizer.HashSize)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[SigV4Canonicalizer.HashSize];
        try
        {
            ComputeSignatureCore(authorization, amzDate, method, rawTarget, headers, payload, secret, expected);
            return CryptographicOperations.FixedTimeEquals(expected, provided);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(expected);
        }
    }

    private static void ComputeSignatureCore(
        SigV4Authorization authorization, string amzDate, string method, string rawTarget, IHeaderDictionary headers, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> secret, Span<byte> signature)
    {
        Span<char> payloadHex = stackalloc char[SigV4Canonicalizer.HashSize * 2];
        PayloadHashHex(payload, payloadHex);
        if (headers.TryGetValue("x-amz-content-sha256", out var declared) && declared.Count > 0)
        {
            if (string.Equals(declared[0], UnsignedPayload, StringComparison.Ordinal))
            {
                throw SigV4Errors.UnsignedPayload();
            }

            if (declared.Count > 1 || !payloadHex.Equals(declared[0], StringComparison.OrdinalIgnoreCase))
            {
                throw SigV4Errors.PayloadHashMismatch();
            }
        }

        Span<byte> hash = stackalloc byte[SigV4Canonicalizer.HashSize];
        var writer = new PooledByteWriter(1024);
        try
        {
            SigV4Canonicalizer.WriteCanonicalRequest(ref writer, method, rawTarget, headers, authorization.SignedHeaders, payloadHex);
            SHA256.HashData(writer.Written, hash);
        }
        finally
        {
            writer.Dispose();
        }

        var stringToSign = new PooledByteWriter(256);
        try
        {
            SigV4Canonicalizer.WriteStringToSign(ref stringToSign, amzDate, authorization.ScopeDate, authorization.Region, authorization.Service, hash);
            SigV4Canonicalizer.Sign(secret, authorization.ScopeDate, authorization.Region, authorization.Service, stringToSign.Written, signature);
        }
        finally
        {
            stringToSign.Dispose();
        }
    }

    private static void PayloadHashHex(ReadOnlySpan<byte> payload, Span<char> destination)
    {
        Span<byte> hash = stackalloc byte[SigV4Canonicalizer.HashSize];
        SHA256.HashData(payload, hash);
        SigV4Canonicalizer.WriteLowerHex(hash, destination);
    }
}
