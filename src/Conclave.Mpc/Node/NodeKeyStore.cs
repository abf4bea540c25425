using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Conclave.Crypto;
using Conclave.Mpc.Node.Internal;
using Conclave.Mpc.Storage;
using Conclave.Mpc.Transport;

namespace Conclave.Mpc.Node;

/// <summary>
/// Creates and opens a node's long-term keys in its data directory (mode 0700):
/// <list type="bullet">
/// <item><c>root.key</c> (0600): the <see cref="SoftwareRootKeyProvider"/> key, unless the caller passes another provider.</item>
/// <item><c>identity.sealed</c> (0600): the node's Ed25519 seed, X25519 private key and TLS private key,
/// encrypted with AES-256-GCM under a fresh data key that is stored wrapped by the root key.</item>
/// <item><c>tls.crt</c> (0644): the self-signed ECDSA P-256 TLS certificate, PEM (public).</item>
/// </list>
/// </summary>
/// <remarks>
/// <para><c>identity.sealed</c>, version 1, integers big-endian:</para>
/// <code>
/// header = "CNKS" ‖ version:u8 (=1) ‖ idLen:u8 ‖ id (ASCII) ‖ wrappedLen:u16 ‖ wrappedDataKey
///          ‖ certLen:u16 ‖ certificate (DER)
/// file   = header ‖ nonce[12] ‖ tag[16] ‖ ciphertext[96]
/// plaintext = ed25519Seed[32] ‖ x25519Private[32] ‖ p256PrivateScalar[32]
/// AAD    = "conclave/node/identity/v1\0" ‖ header
/// data-key wrap context = "conclave/node/identity/data-key/v1\0" ‖ id
/// </code>
/// <para>The AAD covers the node id, the wrapped data key and the certificate, so a file edited or
/// renamed to another node does not open. The certificate is read from the sealed file;
/// <c>tls.crt</c> is a copy for operators and peers.</para>
/// </remarks>
public static class NodeKeyStore
{
    /// <summary>The sealed identity file's name in the data directory.</summary>
    public const string IdentityFileName = "identity.sealed";

    /// <summary>The software root key file's name in the data directory.</summary>
    public const string RootKeyFileName = "root.key";

    /// <summary>The PEM TLS certificate's name in the data directory.</summary>
    public const string TlsCertificateFileName = "tls.crt";

    /// <summary>How long the TLS certificate is valid.</summary>
    public static readonly TimeSpan CertificateValidity = TimeSpan.FromDays(5 * 365);

    private const byte FormatVersion = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int DataKeyLength = 32;
    private const int ScalarLength = 32;
    private const int PlaintextLength = NodeIdentity.PrivateKeysLength + ScalarLength;

    private static ReadOnlySpan<byte> Magic => "CNKS"u8;

    private static ReadOnlySpan<byte> SealLabel => "conclave/node/identity/v1\0"u8;

    private static ReadOnlySpan<byte> WrapLabel => "conclave/node/identity/data-key/v1\0"u8;

    /// <summary>Whether <paramref name="dataDirectory"/> already holds a node identity.</summary>
    public static bool IsInitialized(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        return File.Exists(Path.Combine(dataDirectory, IdentityFileName));
    }

    /// <summary>
    /// Creates the node's identity in <paramref name="dataDirectory"/> (created 0700 if missing), with
    /// the software root key <c>root.key</c> in the same directory (created if missing).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="nodeId"/> is not <c>[a-z0-9-]{1,32}</c>.</exception>
    /// <exception cref="InvalidOperationException">The directory already holds an identity, or its permissions are too open.</exception>
    public static async Task<NodeKeys> CreateAsync(string dataDirectory, string nodeId, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ValidateNodeId(nodeId);
        ThrowIfWindows();
        var directory = Path.GetFullPath(dataDirectory);
        PrepareDirectory(directory);
        using var rootKey = await SoftwareRootKeyProvider.OpenOrCreateAsync(Path.Combine(directory, RootKeyFileName), cancellationToken).ConfigureAwait(false);
        return await CreateCoreAsync(directory, nodeId, rootKey, timeProvider ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the node's identity in <paramref name="dataDirectory"/> with its data key wrapped by <paramref name="rootKeyProvider"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="nodeId"/> is not <c>[a-z0-9-]{1,32}</c>.</exception>
    /// <exception cref="InvalidOperationException">The directory already holds an identity, or its permissions are too open.</exception>
    public static Task<NodeKeys> CreateAsync(string dataDirectory, string nodeId, IRootKeyProvider rootKeyProvider, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ValidateNodeId(nodeId);
        ArgumentNullException.ThrowIfNull(rootKeyProvider);
        ThrowIfWindows();
        var directory = Path.GetFullPath(dataDirectory);
        PrepareDirectory(directory);
        return CreateCoreAsync(directory, nodeId, rootKeyProvider, timeProvider ?? TimeProvider.System, cancellationToken);
    }

    /// <summary>Opens the identity in <paramref name="dataDirectory"/> with the software root key <c>root.key</c> there.</summary>
    /// <exception cref="InvalidOperationException">No identity there, or the directory or root key file has loose permissions.</exception>
    /// <exception cref="InvalidDataException"><c>identity.sealed</c> is malformed.</exception>
    /// <exception cref="CryptographicException">The root key is not the one the identity was sealed under, or the file was altered.</exception>
    public static async Task<NodeKeys> OpenAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ThrowIfWindows();
        var directory = Path.GetFullPath(dataDirectory);
        var file = await ReadIdentityFileAsync(directory, cancellationToken).ConfigureAwait(false);
        var rootKeyPath = Path.Combine(directory, RootKeyFileName);
        if (!File.Exists(rootKeyPath))
        {
            throw new InvalidOperationException($"The node data directory '{directory}' has an identity but no {RootKeyFileName}; it cannot be opened without the root key it was sealed under.");
        }

        using var rootKey = await SoftwareRootKeyProvider.OpenOrCreateAsync(rootKeyPath, cancellationToken).ConfigureAwait(false);
        return await OpenCoreAsync(directory, file, rootKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the identity in <paramref name="dataDirectory"/> with <paramref name="rootKeyProvider"/>.</summary>
    public static async Task<NodeKeys> OpenAsync(string dataDirectory, IRootKeyProvider rootKeyProvider, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(rootKeyProvider);
        ThrowIfWindows();
        var directory = Path.GetFullPath(dataDirectory);
        var file = await ReadIdentityFileAsync(directory, cancellationToken).ConfigureAwait(false);
        return await OpenCoreAsync(directory, file, rootKeyProvider, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<NodeKeys> CreateCoreAsync(string directory, string nodeId, IRootKeyProvider rootKeyProvider, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var plaintext = GC.AllocateArray<byte>(PlaintextLength, pinned: true);
        try
        {
            byte[] certificateDer;
            using (var identity = NodeIdentity.Create(nodeId, allowExport: true))
            using (var tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            {
                certificateDer = CreateCertificate(nodeId, tlsKey, timeProvider.GetUtcNow());
                using (var keys = identity.ExportPrivateKeys())
                {
                    keys.Span.CopyTo(plaintext);
                }

                var parameters = tlsKey.ExportParameters(includePrivateParameters: true);
                try
                {
                    if (parameters.D is not { Length: ScalarLength })
                    {
                        throw new CryptographicException("The TLS key's private scalar has an unexpected length.");
                    }

                    parameters.D.CopyTo(plaintext, NodeIdentity.PrivateKeysLength);
                }
                finally
                {
                    if (parameters.D is not null)
                    {
                        CryptographicOperations.ZeroMemory(parameters.D);
                    }
                }
            }

            byte[] header;
            using (var dataKey = SecretBytes.Create(DataKeyLength, 0, static (span, _) => RandomNumberGenerator.Fill(span)))
            {
                var wrapped = await rootKeyProvider.WrapAsync(dataKey, WrapContext(nodeId), cancellationToken).ConfigureAwait(false);
                header = EncodeHeader(nodeId, wrapped, certificateDer);
                var file = Seal(header, dataKey.Span, plaintext);
                await NodeFiles.WriteNewAsync(Path.Combine(directory, IdentityFileName), file, NodeFiles.OwnerReadWrite, cancellationToken).ConfigureAwait(false);
            }

            var pem = Encoding.ASCII.GetBytes(PemEncoding.WriteString("CERTIFICATE", certificateDer) + "\n");
            await NodeFiles.WriteNewAsync(Path.Combine(directory, TlsCertificateFileName), pem, NodeFiles.PublicFile, cancellationToken).ConfigureAwait(false);
            return Build(nodeId, plaintext, certificateDer);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// Test hook: the decrypted private keys (Ed25519 seed ‖ X25519 key ‖ P-256 scalar, 96 bytes), so a
    /// test can check none of them appears in clear in the file. The caller disposes the result.
    /// </summary>
    internal static async Task<SecretBytes> UnsealPrivateKeysForTestsAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        var directory = Path.GetFullPath(dataDirectory);
        var file = await ReadIdentityFileAsync(directory, cancellationToken).ConfigureAwait(false);
        using var rootKey = await SoftwareRootKeyProvider.OpenOrCreateAsync(Path.Combine(directory, RootKeyFileName), cancellationToken).ConfigureAwait(false);
        var (_, _, plaintext) = await UnsealAsync(directory, file, rootKey, cancellationToken).ConfigureAwait(false);
        return plaintext;
    }

    private static async Task<NodeKeys> OpenCoreAsync(string directory, byte[] file, IRootKeyProvider rootKeyProvider, CancellationToken cancellationToken)
    {
        var (nodeId, certificateDer, plaintext) = await UnsealAsync(directory, file, rootKeyProvider, cancellationToken).ConfigureAwait(false);
        using (plaintext)
        {
            return Build(nodeId, plaintext.Span, certificateDer);
        }
    }

    private static async Task<(string NodeId, byte[] CertificateDer, SecretBytes Plaintext)> UnsealAsync(string directory, byte[] file, IRootKeyProvider rootKeyProvider, CancellationToken cancellationToken)
    {
        var (nodeId, wrapped, certificateDer, headerLength) = DecodeHeader(file, directory);
        var sealedPart = file.AsMemory(headerLength);
        if (sealedPart.Length != NonceLength + TagLength + PlaintextLength)
        {
            throw Malformed(directory);
        }

        SecretBytes dataKey;
        try
        {
            dataKey = await rootKeyProvider.UnwrapAsync(wrapped, WrapContext(nodeId), cancellationToken).ConfigureAwait(false);
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException(
                $"The node identity in '{directory}' could not be opened: its data key does not unwrap with this root key (not the root key it was sealed under, or {IdentityFileName} was altered).",
                e);
        }

        using (dataKey)
        {
            try
            {
                var plaintext = SecretBytes.Create(
                    PlaintextLength,
                    (dataKey, file, headerLength),
                    static (output, state) =>
                    {
                        var s = state.file.AsSpan(state.headerLength);
                        using var aes = new AesGcm(state.dataKey.Span, TagLength);
                        aes.Decrypt(s[..NonceLength], s[(NonceLength + TagLength)..], s.Slice(NonceLength, TagLength), output, AssociatedData(state.file.AsSpan(0, state.headerLength)));
                    });
                return (nodeId, certificateDer, plaintext);
            }
            catch (AuthenticationTagMismatchException e)
            {
                throw new CryptographicException($"The node identity in '{directory}' could not be opened: {IdentityFileName} was altered.", e);
            }
        }
    }

    private static NodeKeys Build(string nodeId, ReadOnlySpan<byte> plaintext, byte[] certificateDer)
    {
        var identity = NodeIdentity.Import(nodeId, plaintext[..NodeIdentity.PrivateKeysLength]);
        try
        {
            var certificate = AttachPrivateKey(certificateDer, plaintext[NodeIdentity.PrivateKeysLength..]);
            return new NodeKeys(identity, certificate);
        }
        catch
        {
            identity.Dispose();
            throw;
        }
    }

    private static X509Certificate2 AttachPrivateKey(byte[] certificateDer, ReadOnlySpan<byte> scalar)
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificateDer);
        using var publicKey = publicOnly.GetECDsaPublicKey() ?? throw new CryptographicException("The stored TLS certificate does not hold an ECDSA key.");
        var d = GC.AllocateArray<byte>(ScalarLength, pinned: true);
        try
        {
            scalar.CopyTo(d);
            var parameters = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d, Q = publicKey.ExportParameters(false).Q };
            using var key = ECDsa.Create(parameters);
            return publicOnly.CopyWithPrivateKey(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    private static byte[] CreateCertificate(string nodeId, ECDsa key, DateTimeOffset now)
    {
        var request = new CertificateRequest(new X500DistinguishedName($"CN={nodeId}"), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(nodeId);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")],
            critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + CertificateValidity);
        return certificate.RawData;
    }

    private static byte[] Seal(ReadOnlySpan<byte> header, ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> plaintext)
    {
        var file = new byte[header.Length + NonceLength + TagLength + plaintext.Length];
        header.CopyTo(file);
        var sealedPart = file.AsSpan(header.Length);
        RandomNumberGenerator.Fill(sealedPart[..NonceLength]);
        using var aes = new AesGcm(dataKey, TagLength);
        aes.Encrypt(sealedPart[..NonceLength], plaintext, sealedPart[(NonceLength + TagLength)..], sealedPart.Slice(NonceLength, TagLength), AssociatedData(header));
        return file;
    }

    private static byte[] EncodeHeader(string nodeId, byte[] wrappedDataKey, byte[] certificateDer)
    {
        if (wrappedDataKey.Length > ushort.MaxValue || certificateDer.Length > ushort.MaxValue)
        {
            throw new InvalidOperationException("The wrapped data key or the certificate is too long for the identity file format.");
        }

        var header = new byte[Magic.Length + 1 + 1 + nodeId.Length + 2 + wrappedDataKey.Length + 2 + certificateDer.Length];
        var w = header.AsSpan();
        Magic.CopyTo(w);
        w[4] = FormatVersion;
        w[5] = (byte)nodeId.Length;
        w = w[6..];
        w = w[Encoding.ASCII.GetBytes(nodeId, w)..];
        BinaryPrimitives.WriteUInt16BigEndian(w, (ushort)wrappedDataKey.Length);
        wrappedDataKey.CopyTo(w[2..]);
        w = w[(2 + wrappedDataKey.Length)..];
        BinaryPrimitives.WriteUInt16BigEndian(w, (ushort)certificateDer.Length);
        certificateDer.CopyTo(w[2..]);
        return header;
    }

    private static (string NodeId, byte[] WrappedDataKey, byte[] CertificateDer, int HeaderLength) DecodeHeader(byte[] file, string directory)
    {
        var r = file.AsSpan();
        if (r.Length < 6 || !r.StartsWith(Magic))
        {
            throw Malformed(directory);
        }

        if (r[4] != FormatVersion)
        {
            throw new InvalidDataException($"The node identity file in '{directory}' has format version {r[4]}; this build reads version {FormatVersion}.");
        }

        int idLength = r[5];
        r = r[6..];
        if (r.Length < idLength || !Ascii.IsValid(r[..idLength]))
        {
            throw Malformed(directory);
        }

        var nodeId = Encoding.ASCII.GetString(r[..idLength]);
        if (!NodePublicIdentity.IsValidNodeId(nodeId))
        {
            throw Malformed(directory);
        }

        r = r[idLength..];
        var wrapped = ReadU16Prefixed(ref r, directory);
        var certificate = ReadU16Prefixed(ref r, directory);
        return (nodeId, wrapped, certificate, file.Length - r.Length);
    }

    private static byte[] ReadU16Prefixed(ref Span<byte> r, string directory)
    {
        if (r.Length < 2)
        {
            throw Malformed(directory);
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(r);
        if (length == 0 || r.Length < 2 + length)
        {
            throw Malformed(directory);
        }

        var value = r.Slice(2, length).ToArray();
        r = r[(2 + length)..];
        return value;
    }

    private static async Task<byte[]> ReadIdentityFileAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, IdentityFileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"'{directory}' holds no node identity ({IdentityFileName} is missing); run `conclave node init` first.");
        }

        CheckPermissions(directory, path);
        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    private static void CheckPermissions(string directory, string identityPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        NodeFiles.EnsureOwnerOnlyDirectory(directory);
        var mode = File.GetUnixFileMode(identityPath);
        if ((mode & NodeFiles.GroupOrOther) != 0)
        {
            throw new InvalidOperationException(
                $"Refusing '{identityPath}': its permissions ({NodeFiles.Octal(mode)}) let group or others access it; it must be owner-only (0600). Run: chmod 600 '{identityPath}'.");
        }
    }

    private static void PrepareDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        NodeFiles.EnsureOwnerOnlyDirectory(directory);
        foreach (var name in new[] { IdentityFileName, TlsCertificateFileName })
        {
            if (File.Exists(Path.Combine(directory, name)))
            {
                throw new InvalidOperationException($"'{directory}' is already initialized ({name} exists); refusing to overwrite a node identity.");
            }
        }
    }

    private static byte[] WrapContext(string nodeId)
    {
        var context = new byte[WrapLabel.Length + nodeId.Length];
        WrapLabel.CopyTo(context);
        Encoding.ASCII.GetBytes(nodeId, context.AsSpan(WrapLabel.Length));
        return context;
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> header)
    {
        var associatedData = new byte[SealLabel.Length + header.Length];
        SealLabel.CopyTo(associatedData);
        header.CopyTo(associatedData.AsSpan(SealLabel.Length));
        return associatedData;
    }

    private static InvalidDataException Malformed(string directory) =>
        new($"The node identity file in '{directory}' is malformed (truncated or not a {IdentityFileName} file).");

    private static void ValidateNodeId(string nodeId)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        if (!NodePublicIdentity.IsValidNodeId(nodeId))
        {
            throw new ArgumentException("A node id has 1 to 32 characters of [a-z0-9-].", nameof(nodeId));
        }
    }

    private static void ThrowIfWindows()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Node data directories rely on Unix file permissions (0700/0600) and are not supported on Windows.");
        }
    }
}
