namespace Conclave.Kms.Policies;

/// <summary>
/// A statement's Principal (or NotPrincipal): <c>"*"</c>, or <c>{"AWS": ...}</c> naming accounts
/// (root ARN or bare 12-digit id: every principal of the account) and user or role ARNs (that
/// principal only). Service, federated and canonical-user principals are accepted but match no
/// caller here, since Conclave has none.
/// </summary>
internal sealed class PolicyPrincipal(bool any, string[] accounts, string[] arns)
{
    public bool Any { get; } = any;

    public bool Matches(string principalArn, string principalAccount)
    {
        if (Any)
        {
            return true;
        }

        foreach (var account in accounts)
        {
            if (account == principalAccount)
            {
                return true;
            }
        }

        foreach (var arn in arns)
        {
            if (arn == principalArn)
            {
                return true;
            }
        }

        return false;
    }
}
