using System.Collections.Frozen;

namespace Conclave.Server.Aws;

/// <summary>
/// Every action of the AWS KMS API (the <c>TrentService.&lt;Action&gt;</c> names of <c>X-Amz-Target</c>).
/// A target naming one of these without a handler answers UnsupportedOperationException; any other
/// name answers UnknownOperationException.
/// </summary>
public static class KmsActions
{
    /// <summary>The <c>X-Amz-Target</c> prefix of KMS actions.</summary>
    public const string TargetPrefix = "TrentService.";

    /// <summary>All KMS action names, as AWS spells them.</summary>
    public static FrozenSet<string> All { get; } = FrozenSet.Create(
        StringComparer.Ordinal,
        "CancelKeyDeletion",
        "ConnectCustomKeyStore",
        "CreateAlias",
        "CreateCustomKeyStore",
        "CreateGrant",
        "CreateKey",
        "Decrypt",
        "DeleteAlias",
        "DeleteCustomKeyStore",
        "DeleteImportedKeyMaterial",
        "DeriveSharedSecret",
        "DescribeCustomKeyStores",
        "DescribeKey",
        "DisableKey",
        "DisableKeyRotation",
        "DisconnectCustomKeyStore",
        "EnableKey",
        "EnableKeyRotation",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateMac",
        "GenerateRandom",
        "GetKeyPolicy",
        "GetKeyRotationStatus",
        "GetParametersForImport",
        "GetPublicKey",
        "ImportKeyMaterial",
        "ListAliases",
        "ListGrants",
        "ListKeyPolicies",
        "ListKeyRotations",
        "ListKeys",
        "ListResourceTags",
        "ListRetirableGrants",
        "PutKeyPolicy",
        "ReEncrypt",
        "ReplicateKey",
        "RetireGrant",
        "RevokeGrant",
        "RotateKeyOnDemand",
        "ScheduleKeyDeletion",
        "Sign",
        "TagResource",
        "UntagResource",
        "UpdateAlias",
        "UpdateCustomKeyStore",
        "UpdateKeyDescription",
        "UpdatePrimaryRegion",
        "Verify",
        "VerifyMac");

    /// <summary>Whether <paramref name="action"/> is a KMS action name.</summary>
    public static bool IsKmsAction(string action) => All.Contains(action);
}
