namespace Conclave.Kms.Storage;

/// <summary>A resource tag on a key (AWS: <c>TagKey</c>, <c>TagValue</c>).</summary>
public sealed record KeyTag(string TagKey, string TagValue);
