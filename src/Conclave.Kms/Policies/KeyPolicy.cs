using System.Text.Json;
using System.Text.RegularExpressions;
using Conclave.Kms.Api;

namespace Conclave.Kms.Policies;

/// <summary>
/// A parsed, validated key policy: the subset of the IAM policy language KMS key policies use
/// (Version, Id, Statement with Sid, Effect, Principal/NotPrincipal, Action/NotAction,
/// Resource/NotResource, Condition). <see cref="Parse"/> rejects a malformed document with
/// <see cref="KmsErrorType.MalformedPolicyDocument"/>; <see cref="Evaluate"/> then decides requests
/// as IAM does: an applicable Deny wins, else an applicable Allow allows, else the request is denied.
/// </summary>
public sealed partial class KeyPolicy
{
    /// <summary>AWS's limit on a key policy document.</summary>
    public const int MaxLength = 32768;

    private readonly PolicyStatement[] _statements;

    private KeyPolicy(PolicyStatement[] statements)
    {
        _statements = statements;
    }

    /// <summary>The number of statements.</summary>
    public int StatementCount => _statements.Length;

    /// <summary>Parses and validates <paramref name="document"/>; throws MalformedPolicyDocumentException.</summary>
    public static KeyPolicy Parse(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Length is 0 or > MaxLength)
        {
            throw Malformed($"The key policy must be between 1 and {MaxLength} characters.");
        }

        try
        {
            using var json = JsonDocument.Parse(document);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("The key policy must be a JSON object.");
            }

            JsonElement? statement = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "Version":
                        if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() is not ("2012-10-17" or "2008-10-17"))
                        {
                            throw Malformed("The policy Version must be \"2012-10-17\" or \"2008-10-17\".");
                        }

                        break;
                    case "Id":
                        RequireString(property.Value, "Id");
                        break;
                    case "Statement":
                        statement = property.Value;
                        break;
                    default:
                        throw Malformed($"The policy has an unknown element '{Clip(property.Name)}'.");
                }
            }

            var statements = statement switch
            {
                null => throw Malformed("The policy has no Statement."),
                { ValueKind: JsonValueKind.Object } one => [ParseStatement(one)],
                { ValueKind: JsonValueKind.Array } many when many.GetArrayLength() > 0 => many.EnumerateArray().Select(ParseStatement).ToArray(),
                _ => throw Malformed("Statement must be an object or a non-empty array of objects."),
            };
            return new KeyPolicy(statements);
        }
        catch (JsonException)
        {
            throw Malformed("The key policy is not valid JSON.");
        }
    }

    /// <summary>The decision for <paramref name="request"/>. Allocates nothing.</summary>
    public PolicyDecision Evaluate(in PolicyRequest request)
    {
        var allowed = false;
        foreach (var statement in _statements)
        {
            if ((statement.IsDeny || !allowed) && statement.Applies(request))
            {
                if (statement.IsDeny)
                {
                    return PolicyDecision.ExplicitDeny;
                }

                allowed = true;
            }
        }

        return allowed ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny;
    }

    private static PolicyStatement ParseStatement(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("Each statement must be a JSON object.");
        }

        string? sid = null;
        bool? deny = null;
        PolicyPrincipal? principal = null;
        var notPrincipal = false;
        PolicyPattern[]? actions = null;
        var notAction = false;
        PolicyPattern[]? resources = null;
        var notResource = false;
        var conditions = Array.Empty<PolicyCondition>();
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "Sid":
                    sid = RequireString(property.Value, "Sid");
                    break;
                case "Effect":
                    deny = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() switch
                    {
                        "Allow" => false,
                        "Deny" => true,
                        _ => null,
                    } : null;
                    if (deny is null)
                    {
                        throw Malformed("Effect must be \"Allow\" or \"Deny\".");
                    }

                    break;
                case "Principal" or "NotPrincipal":
                    if (principal is not null)
                    {
                        throw Malformed("A statement has either Principal or NotPrincipal, not both.");
                    }

                    principal = ParsePrincipal(property.Value);
                    notPrincipal = property.Name == "NotPrincipal";
                    break;
                case "Action" or "NotAction":
                    if (actions is not null)
                    {
                        throw Malformed("A statement has either Action or NotAction, not both.");
                    }

                    actions = Strings(property.Value, property.Name).Select(ParseAction).ToArray();
                    notAction = property.Name == "NotAction";
                    break;
                case "Resource" or "NotResource":
                    if (resources is not null)
                    {
                        throw Malformed("A statement has either Resource or NotResource, not both.");
                    }

                    resources = Strings(property.Value, property.Name).Select(r => new PolicyPattern(r)).ToArray();
                    notResource = property.Name == "NotResource";
                    break;
                case "Condition":
                    conditions = ParseConditions(property.Value);
                    break;
                default:
                    throw Malformed($"A statement has an unknown element '{Clip(property.Name)}'.");
            }
        }

        return new PolicyStatement
        {
            Sid = sid,
            IsDeny = deny ?? throw Malformed("A statement has no Effect."),
            Principal = principal ?? throw Malformed("A statement has no Principal."),
            NotPrincipal = notPrincipal,
            Actions = actions ?? throw Malformed("A statement has no Action."),
            NotAction = notAction,
            Resources = resources ?? throw Malformed("A statement has no Resource."),
            NotResource = notResource,
            Conditions = conditions,
        };
    }

    private static PolicyPrincipal ParsePrincipal(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString() == "*" ? new PolicyPrincipal(true, [], []) : throw Malformed("Principal must be \"*\" or an object such as {\"AWS\": ...}.");
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("Principal must be \"*\" or an object such as {\"AWS\": ...}.");
        }

        var any = false;
        var accounts = new List<string>();
        var arns = new List<string>();
        var empty = true;
        foreach (var property in element.EnumerateObject())
        {
            empty = false;
            var values = Strings(property.Value, "Principal");
            switch (property.Name)
            {
                case "AWS":
                    foreach (var value in values)
                    {
                        if (value == "*")
                        {
                            any = true;
                        }
                        else if (AccountIdPattern().IsMatch(value))
                        {
                            accounts.Add(value);
                        }
                        else if (IamArnPattern().Match(value) is { Success: true } arn)
                        {
                            if (arn.Groups["resource"].Value == "root")
                            {
                                accounts.Add(arn.Groups["account"].Value);
                            }
                            else
                            {
                                arns.Add(value);
                            }
                        }
                        else
                        {
                            throw Malformed($"Policy contains a statement with one or more invalid principals: '{Clip(value)}'.");
                        }
                    }

                    break;
                case "Service" or "Federated" or "CanonicalUser":
                    // Valid in AWS; no such caller exists here, so they never match.
                    break;
                default:
                    throw Malformed($"Unknown principal type '{Clip(property.Name)}'.");
            }
        }

        return empty ? throw Malformed("Principal must not be empty.") : new PolicyPrincipal(any, [.. accounts], [.. arns]);
    }

    private static PolicyPattern ParseAction(string action) =>
        action == "*" || action.Contains(':', StringComparison.Ordinal)
            ? new PolicyPattern(action)
            : throw Malformed($"Action '{Clip(action)}' must be \"*\" or have the form service:action.");

    private static PolicyCondition[] ParseConditions(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("Condition must be a JSON object.");
        }

        var conditions = new List<PolicyCondition>();
        foreach (var op in element.EnumerateObject())
        {
            if (op.Value.ValueKind != JsonValueKind.Object)
            {
                throw Malformed($"Condition operator '{Clip(op.Name)}' must map condition keys to values.");
            }

            foreach (var key in op.Value.EnumerateObject())
            {
                conditions.Add(PolicyCondition.Create(op.Name, key.Name, ConditionValues(key.Value, key.Name)));
            }
        }

        return [.. conditions];
    }

    private static string[] ConditionValues(JsonElement element, string key)
    {
        static string? Scalar(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };

        if (element.ValueKind == JsonValueKind.Array)
        {
            var values = element.EnumerateArray().Select(Scalar).ToArray();
            return values.Length > 0 && Array.TrueForAll(values, v => v is not null)
                ? Array.ConvertAll(values, v => v!)
                : throw Malformed($"Condition key '{Clip(key)}' needs one or more string, boolean or number values.");
        }

        return Scalar(element) is { } single ? [single] : throw Malformed($"Condition key '{Clip(key)}' needs a string, boolean or number value.");
    }

    private static List<string> Strings(JsonElement element, string name)
    {
        var values = new List<string>();
        if (element.ValueKind == JsonValueKind.String)
        {
            values.Add(element.GetString()!);
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                values.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Malformed($"{name} must be a string or an array of strings."));
            }
        }
        else
        {
            throw Malformed($"{name} must be a string or an array of strings.");
        }

        return values.Count > 0 && values.TrueForAll(v => v.Length > 0) ? values : throw Malformed($"{name} must not be empty.");
    }

    private static string RequireString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Malformed($"{name} must be a string.");

    private static KmsException Malformed(string message) => new(KmsErrorType.MalformedPolicyDocument, message);

    private static string Clip(string value) => value.Length > 64 ? value[..64] + "…" : value;

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex AccountIdPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:(iam|sts)::(?<account>\d{12}):(?<resource>root|(user|role|assumed-role|group)/[\w+=,.@/-]+)$")]
    private static partial Regex IamArnPattern();
}
