namespace Conclave.Kms.Policies;

/// <summary>
/// One condition test of a statement: an operator (with optional <c>ForAllValues:</c> /
/// <c>ForAnyValue:</c> prefix and <c>IfExists</c> suffix) applied to one condition key and its
/// values. An operator or key Conclave does not know evaluates to <c>null</c>; the statement then
/// fails closed (an Allow does not apply, a Deny does).
/// </summary>
internal sealed class PolicyCondition
{
    private readonly ConditionOperator _operator;
    private readonly SetModifier _modifier;
    private readonly bool _ifExists;
    private readonly ConditionKey _key;
    private readonly string? _contextKey;
    private readonly PolicyPattern[] _values;

    private PolicyCondition(ConditionOperator op, SetModifier modifier, bool ifExists, ConditionKey key, string? contextKey, PolicyPattern[] values)
    {
        _operator = op;
        _modifier = modifier;
        _ifExists = ifExists;
        _key = key;
        _contextKey = contextKey;
        _values = values;
    }

    private enum ConditionOperator
    {
        Unknown,
        StringEquals,
        StringNotEquals,
        StringEqualsIgnoreCase,
        StringNotEqualsIgnoreCase,
        StringLike,
        StringNotLike,
        Bool,
        Null,
    }

    private enum SetModifier
    {
        None,
        ForAllValues,
        ForAnyValue,
    }

    private enum ConditionKey
    {
        Unknown,
        EncryptionContext,
        EncryptionContextKeys,
        CallerAccount,
        PrincipalArn,
        PrincipalAccount,
        ViaService,
        GrantIsForAwsResource,
        RequestAlias,
    }

    /// <summary>Compiles one operator/key/values triple; values are strings already (booleans and numbers converted).</summary>
    public static PolicyCondition Create(string operatorName, string keyName, string[] values)
    {
        var name = operatorName.AsSpan();
        var modifier = SetModifier.None;
        if (name.StartsWith("ForAllValues:", StringComparison.OrdinalIgnoreCase))
        {
            modifier = SetModifier.ForAllValues;
            name = name["ForAllValues:".Length..];
        }
        else if (name.StartsWith("ForAnyValue:", StringComparison.OrdinalIgnoreCase))
        {
            modifier = SetModifier.ForAnyValue;
            name = name["ForAnyValue:".Length..];
        }

        var ifExists = name.EndsWith("IfExists", StringComparison.OrdinalIgnoreCase);
        if (ifExists)
        {
            name = name[..^"IfExists".Length];
        }

        var op = Enum.TryParse<ConditionOperator>(name, ignoreCase: true, out var parsed) && parsed != ConditionOperator.Unknown && !int.TryParse(name, out _)
            ? parsed
            : ConditionOperator.Unknown;
        if (op == ConditionOperator.Null && (ifExists || modifier != SetModifier.None))
        {
            op = ConditionOperator.Unknown;
        }

        const string contextPrefix = "kms:EncryptionContext:";
        string? contextKey = null;
        ConditionKey key;
        if (keyName.StartsWith(contextPrefix, StringComparison.OrdinalIgnoreCase) && keyName.Length > contextPrefix.Length)
        {
            key = ConditionKey.EncryptionContext;
            contextKey = keyName[contextPrefix.Length..];
        }
        else
        {
            key = keyName.ToUpperInvariant() switch
            {
                "KMS:ENCRYPTIONCONTEXTKEYS" => ConditionKey.EncryptionContextKeys,
                "KMS:CALLERACCOUNT" => ConditionKey.CallerAccount,
                "AWS:PRINCIPALARN" => ConditionKey.PrincipalArn,
                "AWS:PRINCIPALACCOUNT" => ConditionKey.PrincipalAccount,
                "KMS:VIASERVICE" => ConditionKey.ViaService,
                "KMS:GRANTISFORAWSRESOURCE" => ConditionKey.GrantIsForAwsResource,
                "KMS:REQUESTALIAS" => ConditionKey.RequestAlias,
                _ => ConditionKey.Unknown,
            };
        }

        return new PolicyCondition(op, modifier, ifExists, key, contextKey, Array.ConvertAll(values, v => new PolicyPattern(v)));
    }

    /// <summary>True or false, or null when the operator or key is unknown (the caller fails closed).</summary>
    public bool? Evaluate(in PolicyRequest request)
    {
        if (_operator == ConditionOperator.Unknown || _key == ConditionKey.Unknown)
        {
            return null;
        }

        if (_key == ConditionKey.EncryptionContextKeys)
        {
            return EvaluateContextKeys(request.EncryptionContext);
        }

        var value = SingleValue(request);
        if (_operator == ConditionOperator.Null)
        {
            return NullTest(value is not null);
        }

        if (value is null)
        {
            return Absent();
        }

        // A single-valued key is a set of one: every modifier reduces to testing that value.
        return Test(value);
    }

    private bool EvaluateContextKeys(IReadOnlyDictionary<string, string>? context)
    {
        var present = context is { Count: > 0 };
        if (_operator == ConditionOperator.Null)
        {
            return NullTest(present);
        }

        if (!present)
        {
            return Absent();
        }

        // Multivalued key: ForAllValues needs every key to pass; ForAnyValue (and no modifier) any key.
        var all = _modifier == SetModifier.ForAllValues;
        foreach (var pair in context!)
        {
            var passes = Test(pair.Key);
            if (all && !passes)
            {
                return false;
            }

            if (!all && passes)
            {
                return true;
            }
        }

        return all;
    }

    private string? SingleValue(in PolicyRequest request)
    {
        switch (_key)
        {
            case ConditionKey.EncryptionContext:
                if (request.EncryptionContext is { } context)
                {
                    if (context.TryGetValue(_contextKey!, out var exact))
                    {
                        return exact;
                    }

                    // AWS matches the context key of kms:EncryptionContext:<key> case-insensitively.
                    foreach (var pair in context)
                    {
                        if (string.Equals(pair.Key, _contextKey, StringComparison.OrdinalIgnoreCase))
                        {
                            return pair.Value;
                        }
                    }
                }

                return null;
            case ConditionKey.CallerAccount:
            case ConditionKey.PrincipalAccount:
                return request.PrincipalAccount;
            case ConditionKey.PrincipalArn:
                return request.PrincipalArn;
            case ConditionKey.GrantIsForAwsResource:
                return "false";
            case ConditionKey.RequestAlias:
                return request.RequestAlias;
            default:
                return null; // kms:ViaService: no AWS service calls Conclave on a caller's behalf.
        }
    }

    /// <summary>The key is absent: IfExists and ForAllValues pass, negated operators pass, the rest fail.</summary>
    private bool Absent() =>
        _ifExists || _modifier == SetModifier.ForAllValues
        || (_modifier == SetModifier.None && _operator is ConditionOperator.StringNotEquals or ConditionOperator.StringNotEqualsIgnoreCase or ConditionOperator.StringNotLike);

    private bool NullTest(bool present)
    {
        foreach (var value in _values)
        {
            if (string.Equals(value.Text, "true", StringComparison.OrdinalIgnoreCase) ? !present : present)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One request value against the condition's values: positive operators need one match, negated ones none.</summary>
    private bool Test(string value)
    {
        var (negated, like, ignoreCase) = _operator switch
        {
            ConditionOperator.StringEquals => (false, false, false),
            ConditionOperator.StringNotEquals => (true, false, false),
            ConditionOperator.StringEqualsIgnoreCase => (false, false, true),
            ConditionOperator.StringNotEqualsIgnoreCase => (true, false, true),
            ConditionOperator.StringLike => (false, true, false),
            ConditionOperator.StringNotLike => (true, true, false),
            _ => (false, false, true), // Bool
        };

        foreach (var candidate in _values)
        {
            var match = like
                ? candidate.Matches(value, ignoreCase)
                : string.Equals(candidate.Text, value, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
            if (match)
            {
                return !negated;
            }
        }

        return negated;
    }
}
