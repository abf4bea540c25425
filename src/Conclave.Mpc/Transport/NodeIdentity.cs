using System.Diagnostics;
using System.Security.Cryptography;
using Conclave.Crypto;
using NSec.Cryptography;

namespace Conclave.Mpc.Transport;

/// <summary>
/// A node's secret identity: an Ed25519 signing key (signs every envelope it sends) and an X25519
/// agreement key (opens every envelope sent to it), held by NSec in native memory that is wiped on
/// <see cref="Dispose"/>. It prints no key material, has no value equality, and its private keys
/// leave only through <see cref="ExportPrivateKeys"/>, which is refused unless export was allowed
/// when the identity was created or imported.
/// </summary>
/// <remarks>
/// The exported form is <see cref="PrivateKeysLength"/> bytes: the 32-byte Ed25519 seed followed
/// by the 32-byte X25519 private key (NSec's raw private key formats).
/// </remarks>
[DebuggerDisplay("NodeIdentity({NodeId}, keys redacted)")]
public sealed class NodeIdentity : IDisposable
{
    /// <summary>Length of the exported private keys (Ed25519 seed ‖ X25519 private key).</summary>
    public const int PrivateKeysLength = 64;

    private const int HalfLength = PrivateKeysLength / 2;

    private readonly Key _signingKey;
    private readonly Key _agreementKey;
    private bool _disposed;

    private NodeIdentity(string nodeId, Key signingKey, Key agreementKey, bool exportable)
    {
        _signingKey = signingKey;
        _agreementKey = agreementKey;
        IsExportable = exportable;
        PublicIdentity = new NodePublicIdentity(
            nodeId,
            signingKey.PublicKey.Export(KeyBlobFormat.RawPublicKey),
            agreementKey.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    /// <summary>The node id.</summary>
    public string NodeId => PublicIdentity.NodeId;

    /// <summary>The public half, as listed in the membership.</summary>
    public NodePublicIdentity PublicIdentity { get; }

    /// <summary>Whether <see cref="ExportPrivateKeys"/> is allowed.</summary>
    public bool IsExportable { get; }

    /// <summary>The signing key; throws once disposed.</summary>
    internal Key SigningKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _signingKey;
        }
    }

    /// <summary>The agreement key; throws once disposed.</summary>
    internal Key AgreementKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _agreementKey;
        }
    }

    /// <summary>Creates a fresh identity (keys from NSec's CSPRNG).</summary>
    /// <param name="nodeId">The node id, <c>[a-z0-9-]{1,32}</c>.</param>
    /// <param name="allowExport">Whether <see cref="ExportPrivateKeys"/> may be called (off by default).</param>
    public static NodeIdentity Create(string nodeId, bool allowExport = false)
    {
        ValidateNodeId(nodeId);
        var parameters = Parameters(allowExport);
        Key? signing = null;
        Key? agreement = null;
        try
        {
            signing = Key.Create(SignatureAlgorithm.Ed25519, parameters);
            agreement = Key.Create(KeyAgreementAlgorithm.X25519, parameters);
            return new NodeIdentity(nodeId, signing, agreement, allowExport);
        }
        catch
        {
            signing?.Dispose();
            agreement?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Imports an identity from <see cref="PrivateKeysLength"/> bytes (Ed25519 seed ‖ X25519
    /// private key). The caller still owns and wipes <paramref name="privateKeys"/>.
    /// </summary>
    public static NodeIdentity Import(string nodeId, ReadOnlySpan<byte> privateKeys, bool allowExport = false)
    {
        ValidateNodeId(nodeId);
        if (privateKeys.Length != PrivateKeysLength)
        {
            throw new ArgumentException($"The private keys are {PrivateKeysLength} bytes (Ed25519 seed ‖ X25519 private key).", nameof(privateKeys));
        }

        var parameters = Parameters(allowExport);
        Key? signing = null;
        Key? agreement = null;
        try
        {
            signing = Key.Import(SignatureAlgorithm.Ed25519, privateKeys[..HalfLength], KeyBlobFormat.RawPrivateKey, parameters);
            agreement = Key.Import(KeyAgreementAlgorithm.X25519, privateKeys[HalfLength..], KeyBlobFormat.RawPrivateKey, parameters);
            return new NodeIdentity(nodeId, signing, agreement, allowExport);
        }
        catch
        {
            signing?.Dispose();
            agreement?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Exports the private keys (Ed25519 seed ‖ X25519 private key) into pinned memory. The caller
    /// must dispose the result, which wipes it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The identity was not created with <c>allowExport</c>.</exception>
    public SecretBytes ExportPrivateKeys()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsExportable)
        {
            throw new InvalidOperationException("This node identity was created without allowExport; its private keys cannot be exported.");
        }

        return SecretBytes.Create(PrivateKeysLength, this, static (span, self) =>
        {
            if (!self._signingKey.TryExport(KeyBlobFormat.RawPrivateKey, span[..HalfLength], out var a) || a != HalfLength
                || !self._agreementKey.TryExport(KeyBlobFormat.RawPrivateKey, span[HalfLength..], out var b) || b != HalfLength)
            {
                CryptographicOperations.ZeroMemory(span);
                throw new CryptographicException("Exporting the node identity's private keys failed.");
            }
        });
    }

    /// <summary>Wipes both keys.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _signingKey.Dispose();
            _agreementKey.Dispose();
        }
    }

    /// <summary>The node id only; never key material.</summary>
    public override string ToString() => $"NodeIdentity({NodeId}, keys redacted)";

    private static KeyCreationParameters Parameters(bool allowExport) =>
        new() { ExportPolicy = allowExport ? KeyExportPolicies.AllowPlaintextExport : KeyExportPolicies.None };

    private static void ValidateNodeId(string nodeId)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        if (!NodePublicIdentity.IsValidNodeId(nodeId))
        {
            throw new ArgumentException("A node id has 1 to 32 characters of [a-z0-9-].", nameof(nodeId));
        }
    }
}
