namespace Conclave.Kms.Policies;

/// <summary>One Action or Resource value of a statement, compiled: exact values skip the wildcard matcher.</summary>
internal readonly struct PolicyPattern(string text)
{
    private readonly bool _wildcards = Wildcard.HasWildcards(text);

    public string Text { get; } = text;

    public bool Matches(string value, bool ignoreCase) => _wildcards
        ? Text == "*" || Wildcard.Match(Text, value, ignoreCase)
        : string.Equals(Text, value, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
