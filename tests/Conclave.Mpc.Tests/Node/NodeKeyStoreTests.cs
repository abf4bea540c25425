using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Conclave.Mpc.Node;
using Conclave.Mpc.Tests.Storage;

namespace Conclave.Mpc.Tests.Node;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // checks Unix file modes
public sealed class NodeKeyStoreTests
{
    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Create_writes_owner_only_files_and_reopens_to_the_same_identity_and_a_working_tls_key()
    {
        using var tmp = new TempDirectory();
        var dataDir = tmp.File("node");
        byte[] ed, x, fingerprint;
        using (var created = await NodeKeyStore.CreateAsync(dataDir, "node-1", cancellationToken: TestContext.Current.CancellationToken))
        {
            ed = created.PublicIdentity.SigningPublicKey.ToArray();
            x = created.PublicIdentity.AgreementPublicKey.ToArray();
            fingerprint = created.TlsCertificateSha256.ToArray();
        }

        Assert.Equal(Mode600 | UnixFileMode.UserExecute, File.GetUnixFileMode(dataDir));
        Assert.Equal(Mode600, File.GetUnixFileMode(Path.Combine(dataDir, "root.key")));
        Assert.Equal(Mode600, File.GetUnixFileMode(Path.Combine(dataDir, "identity.sealed")));
        Assert.True(File.Exists(Path.Combine(dataDir, "tls.crt")));
        Assert.Equal(3, Directory.GetFileSystemEntries(dataDir).Length); // no temporary file left behind

        using var opened = await NodeKeyStore.OpenAsync(dataDir, TestContext.Current.CancellationToken);
        Assert.Equal("node-1", opened.NodeId);
        Assert.Equal(ed, opened.PublicIdentity.SigningPublicKey.ToArray());
        Assert.Equal(x, opened.PublicIdentity.AgreementPublicKey.ToArray());
        Assert.Equal(fingerprint, opened.TlsCertificateSha256.ToArray());
        Assert.False(opened.Identity.IsExportable);

        // tls.crt is the same certificate as the sealed one, and the reopened private key matches it.
        var pem = await File.ReadAllTextAsync(Path.Combine(dataDir, "tls.crt"), TestContext.Current.CancellationToken);
        using var fromPem = X509Certificate2.CreateFromPem(pem);
        Assert.Equal(fingerprint, SHA256.HashData(fromPem.RawData));
        Assert.Equal("CN=node-1", opened.TlsCertificate.Subject);
        Assert.True(opened.TlsCertificate.HasPrivateKey);
        using var priv = opened.TlsCertificate.GetECDsaPrivateKey()!;
        using var pub = fromPem.GetECDsaPublicKey()!;
        var message = RandomNumberGenerator.GetBytes(32);
        var signature = priv.SignData(message, HashAlgorithmName.SHA256);
        Assert.True(pub.VerifyData(message, signature, HashAlgorithmName.SHA256));
        message[0] ^= 1;
        Assert.False(pub.VerifyData(message, signature, HashAlgorithmName.SHA256));
        Assert.InRange(opened.TlsCertificate.NotAfter - opened.TlsCertificate.NotBefore, TimeSpan.FromDays(4 * 365), TimeSpan.FromDays(6 * 365));
        var san = opened.TlsCertificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["node-1"], san.EnumerateDnsNames());
        Assert.Equal([System.Net.IPAddress.Loopback], san.EnumerateIPAddresses());
    }

    [Fact]
    public async Task The_sealed_file_does_not_contain_any_private_key_in_clear()
    {
        using var tmp = new TempDirectory();
        var dataDir = tmp.File("node");
        using var keys = await NodeKeyStore.CreateAsync(dataDir, "node-1", cancellationToken: TestContext.Current.CancellationToken);
        var sealedFile = await File.ReadAllBytesAsync(Path.Combine(dataDir, "identity.sealed"), TestContext.Current.CancellationToken);

        using var privateKeys = await NodeKeyStore.UnsealPrivateKeysForTestsAsync(dataDir, TestContext.Current.CancellationToken);
        var ed25519Seed = privateKeys.Span[..32].ToArray();
        var x25519Key = privateKeys.Span[32..64].ToArray();
        var d = privateKeys.Span[64..].ToArray();

        // The unsealed bytes really are the keys: they rebuild the same public keys.
        using (var rebuilt = Conclave.Mpc.Transport.NodeIdentity.Import("node-1", privateKeys.Span[..64]))
        {
            Assert.Equal(keys.PublicIdentity, rebuilt.PublicIdentity);
        }

        using (var fromD = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d }))
        using (var certificateKey = keys.TlsCertificate.GetECDsaPublicKey()!)
        {
            Assert.Equal(certificateKey.ExportParameters(false).Q.X, fromD.ExportParameters(false).Q.X);
        }

        Assert.Equal(-1, sealedFile.AsSpan().IndexOf(ed25519Seed));
        Assert.Equal(-1, sealedFile.AsSpan().IndexOf(x25519Key));
        Assert.Equal(-1, sealedFile.AsSpan().IndexOf(d));
        Assert.Equal(-1, sealedFile.AsSpan().IndexOf(ed25519Seed.AsSpan(0, 8)));
        Assert.Equal(-1, sealedFile.AsSpan().IndexOf(d.AsSpan(0, 8)));
    }

    [Fact]
    public async Task Create_refuses_an_initialized_directory_and_changes_nothing()
    {
        using var tmp = new TempDirectory();
        var dataDir = tmp.File("node");
        using (await NodeKeyStore.CreateAsync(dataDir, "node-1", cancellationToken: TestContext.Current.CancellationToken))
        {
        }

        var before = Snapshot(dataDir);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeKeyStore.CreateAsync(dataDir, "node-1", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("already initialized", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(dataDir));
    }

    [Fact]
    public async Task A_different_root_key_cannot_open_the_identity()
    {
        using var tmp = new TempDirectory();
        var dataDir = tmp.File("node");
        using (await NodeKeyStore.CreateAsync(dataDir, "node-1", cancellationToken: TestContext.Current.CancellationToken))
        {
        }

        var rootKey = Path.Combine(dataDir, "root.key");
        File.Delete(rootKey);
        using (await Conclave.Mpc.Storage.SoftwareRootKeyProvider.OpenOrCreateAsync(rootKey, TestContext.Current.CancellationToken))
        {
        }

        var e = await Assert.ThrowsAsync<CryptographicException>(() => NodeKeyStore.OpenAsync(dataDir, TestContext.Current.CancellationToken));
        Assert.Contains("not the root key it was sealed under", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)] // inside the node id
    [InlineData(20)] // inside the wrapped data key
    [InlineData(-200)] // inside the certificate (bound by the AAD)
    [InlineData(-110)] // inside the tag
    [InlineData(-40)] // inside the ciphertext
    public async Task An_altered_identity_file_does_not_open(int offset)
    {
        using var tmp = new TempDirectory();
        var dataDir = tmp.File("node");
        using (await NodeKeyStore.CreateAsync(dataDir, "node-1", cancellationToken: TestContext.Current.CancellationToken))
        {
        }

        var path = Path.Combine(dataDir, "identity.sealed");
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        bytes[offset >= 0 ? offset : bytes.Length + offset] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        await Assert.ThrowsAnyAsync<Exception>(() => NodeKeyStore.OpenAsync(dataDir, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_identity_file_readable_by_others_is_refused()
    {
        using var tmp = new TempDirectory();
        var dataDir = tmp.File("node");
        using (await NodeKeyStore.CreateAsync(dataDir, "node-1", cancellationToken: TestContext.Current.CancellationToken))
        {
        }

        File.SetUnixFileMode(Path.Combine(dataDir, "identity.sealed"), Mode600 | UnixFileMode.OtherRead);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeKeyStore.OpenAsync(dataDir, TestContext.Current.CancellationToken));
        Assert.Contains("0604", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Node1")]
    [InlineData("node_1")]
    [InlineData("a-very-long-node-id-of-more-than-32-chars")]
    public async Task An_invalid_node_id_is_refused_before_anything_is_written(string id)
    {
        using var tmp = new TempDirectory();
        var dataDir = tmp.File("node");
        await Assert.ThrowsAnyAsync<ArgumentException>(() => NodeKeyStore.CreateAsync(dataDir, id, cancellationToken: TestContext.Current.CancellationToken));
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public async Task Opening_an_empty_directory_says_it_is_not_initialized()
    {
        using var tmp = new TempDirectory();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeKeyStore.OpenAsync(tmp.Path, TestContext.Current.CancellationToken));
        Assert.Contains("node init", e.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))) + File.GetUnixFileMode(f));
}
