using Conclave.Kms.Api;
using Conclave.Kms.Audit;
using Conclave.Kms.Storage;

namespace Conclave.Kms.Service;

/// <summary>
/// One attempt at one API call: what it changes (committed with its audit record in one
/// transaction) and which key and version it used (for the audit record).
/// </summary>
internal sealed class KmsOperation(KmsCallContext context, string action, DateTimeOffset now)
{
    public KmsCallContext Context { get; } = context;

    public string Action { get; } = action;

    /// <summary>The time of the call, in whole milliseconds (what stores keep).</summary>
    public DateTimeOffset Now { get; } = now;

    public List<KmsChange> Changes { get; } = [];

    public string? KeyId { get; set; }

    public int? KeyVersion { get; set; }

    /// <summary>
    /// The request's encryption context, for key-policy conditions and grant constraints. Actions
    /// that take one set it before resolving the key; for the others it stays null (empty).
    /// </summary>
    public IReadOnlyDictionary<string, string>? EncryptionContext { get; set; }

    /// <summary>
    /// The action authorized on the next key resolved when it differs from <see cref="Action"/>
    /// (ReEncrypt authorizes <c>ReEncryptFrom</c> on the source key and <c>ReEncryptTo</c> on the destination).
    /// </summary>
    public string? KeyAction { get; set; }

    /// <summary>The grant that authorized the last key resolved, when no policy statement did.</summary>
    public GrantRecord? AuthorizingGrant { get; set; }

    public AuditEntry Audit(string outcome) => new(
        Now,
        Context.Principal.Arn,
        Context.Principal.AccountId,
        Action,
        KeyId,
        KeyVersion,
        Context.RequestId,
        outcome,
        Context.RequestDigest);
}
