namespace Conclave.Kms.Tenants;

/// <summary>
/// An authenticated caller: an access key id that belongs to a user in an account (tenant).
/// Public data only; the secret access key stays in the <see cref="IPrincipalDirectory"/>.
/// </summary>
/// <param name="AccessKeyId">The AWS-style access key id (20 characters, starts with <c>AKIA</c>).</param>
/// <param name="AccountId">The 12-digit account id: the tenant every key of this principal belongs to.</param>
/// <param name="UserName">The user name inside the account.</param>
public sealed record KmsPrincipal(string AccessKeyId, string AccountId, string UserName)
{
    /// <summary>The principal's ARN, <c>arn:aws:iam::&lt;account&gt;:user/&lt;name&gt;</c>, as key policies name it.</summary>
    public string Arn => $"arn:aws:iam::{AccountId}:user/{UserName}";

    /// <summary>The account's root ARN, <c>arn:aws:iam::&lt;account&gt;:root</c>.</summary>
    public string AccountRootArn => $"arn:aws:iam::{AccountId}:root";
}
