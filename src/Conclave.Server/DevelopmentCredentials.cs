namespace Conclave.Server;

/// <summary>
/// The development principal's credentials as shell exports (also in <c>&lt;dir&gt;/dev-credentials.env</c>, mode 0600).
/// For the embedded local system only; printing them is the point.
/// </summary>
/// <param name="AccessKeyId">The access key id.</param>
/// <param name="AccountId">The development account.</param>
/// <param name="FilePath">Where the exports were written.</param>
/// <param name="Exports">The four <c>export</c> lines, ready to paste.</param>
public sealed record DevelopmentCredentials(string AccessKeyId, string AccountId, string FilePath, IReadOnlyList<string> Exports)
{
    /// <inheritdoc />
    public override string ToString() => $"DevelopmentCredentials({AccessKeyId}, {FilePath})";
}
