using System.Diagnostics;
using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Kms.Crypto.Internal;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Conclave.Kms.Crypto;

/// <summary>
/// An asymmetric KMS key (RSA, ECC or Ed25519) imported once into the native library object, so the
/// service can cache it and sign, verify, encrypt or decrypt without re-parsing PKCS#8 on every call.
/// Load it from private material (<see cref="FromPrivateKey"/>) or from a public key
/// (<see cref="FromPublicKey"/>, verify and encrypt only). Dispose it to free (and, for the seed we
/// hold, wipe) the key.
/// </summary>
/// <remarks>
/// Cost (measured on the 2-core dev machine, ECC_NIST_P256): importing PKCS#8 takes about 0.5 ms,
/// so one-shot <see cref="Signer.Sign"/> reaches only ~1,100 signs/s; a cached handle signs at
/// ~9,500/s. Thread safety: the runtime does not document <see cref="RSA"/>/<see cref="ECDsa"/>
/// instances as safe for concurrent use; 40,000 parallel sign+verify calls on shared handles
/// (OpenSSL backend) all succeeded, but pool handles or lock if you want a documented guarantee. Ed25519ph signing goes through BouncyCastle, whose private-key object
/// keeps its own managed copy of the seed that we cannot wipe; it is created per call and dropped.
/// </remarks>
[DebuggerDisplay("AsymmetricKeyHandle({KeySpec}, private: {HasPrivateKey})")]
public sealed class AsymmetricKeyHandle : IDisposable
{
    private static readonly byte[] EmptyContext = [];

    private readonly KeySpecInfo _spec;
    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;
    private readonly NSec.Cryptography.Key? _edKey;
    private readonly NSec.Cryptography.PublicKey? _edPublicKey;
    private readonly SecretBytes? _edSeed;
    private bool _disposed;

    private AsymmetricKeyHandle(KeySpecInfo spec, bool hasPrivateKey, RSA? rsa = null, ECDsa? ecdsa = null,
        NSec.Cryptography.Key? edKey = null, NSec.Cryptography.PublicKey? edPublicKey = null, SecretBytes? edSeed = null)
    {
        _spec = spec;
        HasPrivateKey = hasPrivateKey;
        _rsa = rsa;
        _ecdsa = ecdsa;
        _edKey = edKey;
        _edPublicKey = edPublicKey;
        _edSeed = edSeed;
    }

    /// <summary>The AWS key spec.</summary>
    public string KeySpec => _spec.Name;

    /// <summary>Whether the handle can sign and decrypt.</summary>
    public bool HasPrivateKey { get; }

    /// <summary>
    /// Imports private key material as <see cref="KeyMaterialGenerator.Generate"/> makes it (PKCS#8 DER
    /// for every asymmetric spec). Material that does not parse or does not match the spec is a
    /// <c>KMSInternalException</c>: stored material is the service's, not the caller's.
    /// </summary>
    public static AsymmetricKeyHandle FromPrivateKey(string keySpec, ReadOnlySpan<byte> privateKeyPkcs8)
    {
        var spec = RequireAsymmetric(keySpec, "this operation");
        switch (spec.Family)
        {
            case KeyFamily.Rsa:
                {
                    var rsa = RSA.Create();
                    try
                    {
                        rsa.ImportPkcs8PrivateKey(privateKeyPkcs8, out var read);
                        if (read != privateKeyPkcs8.Length || rsa.KeySize != spec.Bits)
                        {
                            throw Error.InvalidKeyMaterial(spec.Name);
                        }

                        return new AsymmetricKeyHandle(spec, true, rsa: rsa);
                    }
                    catch (CryptographicException)
                    {
                        rsa.Dispose();
                        throw Error.InvalidKeyMaterial(spec.Name);
                    }
                    catch
                    {
                        rsa.Dispose();
                        throw;
                    }
                }

            case KeyFamily.Ec:
                {
                    var ecdsa = ECDsa.Create();
                    try
                    {
                        ecdsa.ImportPkcs8PrivateKey(privateKeyPkcs8, out var read);
                        if (read != privateKeyPkcs8.Length || !EcPoints.IsCurve(ecdsa.ExportParameters(false).Curve, spec.CurveOid!))
                        {
                            throw Error.InvalidKeyMaterial(spec.Name);
                        }

                        return new AsymmetricKeyHandle(spec, true, ecdsa: ecdsa);
                    }
                    catch (CryptographicException)
                    {
                        ecdsa.Dispose();
                        throw Error.InvalidKeyMaterial(spec.Name);
                    }
                    catch
                    {
                        ecdsa.Dispose();
                        throw;
                    }
                }

            default:
                {
                    if (!Ed25519Encoding.TryGetSeed(privateKeyPkcs8, out var seed))
                    {
                        throw Error.InvalidKeyMaterial(spec.Name);
                    }

                    var key = NSec.Cryptography.Key.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, seed,
                        NSec.Cryptography.KeyBlobFormat.RawPrivateKey);
                    return new AsymmetricKeyHandle(spec, true, edKey: key, edPublicKey: key.PublicKey, edSeed: SecretBytes.Copy(seed));
                }
        }
    }

    /// <summary>
    /// Imports a DER SubjectPublicKeyInfo (as GetPublicKey returns) for verify and encrypt. A key
    /// that does not parse or is not of <paramref name="keySpec"/> is a <c>ValidationException</c>.
    /// </summary>
    public static AsymmetricKeyHandle FromPublicKey(string keySpec, ReadOnlySpan<byte> publicKeySpki)
    {
        var spec = RequireAsymmetric(keySpec, "this operation");
        switch (spec.Family)
        {
            case KeyFamily.Rsa:
                {
                    var rsa = RSA.Create();
                    try
                    {
                        rsa.ImportSubjectPublicKeyInfo(publicKeySpki, out var read);
                        if (read != publicKeySpki.Length || rsa.KeySize != spec.Bits)
                        {
                            throw Error.InvalidPublicKey(spec.Name);
                        }

                        return new AsymmetricKeyHandle(spec, false, rsa: rsa);
                    }
                    catch (CryptographicException)
                    {
                        rsa.Dispose();
                        throw Error.InvalidPublicKey(spec.Name);
                    }
                    catch
                    {
                        rsa.Dispose();
                        throw;
                    }
                }

            case KeyFamily.Ec:
                {
                    var ecdsa = ImportEcPublicKey(spec, publicKeySpki, ECDsa.Create());
                    return new AsymmetricKeyHandle(spec, false, ecdsa: ecdsa);
                }

            default:
                {
                    if (!Ed25519Encoding.TryGetPublicKey(publicKeySpki, out var raw)
                        || !NSec.Cryptography.PublicKey.TryImport(NSec.Cryptography.SignatureAlgorithm.Ed25519, raw,
                            NSec.Cryptography.KeyBlobFormat.RawPublicKey, out var publicKey))
                    {
                        throw Error.InvalidPublicKey(spec.Name);
                    }

                    return new AsymmetricKeyHandle(spec, false, edPublicKey: publicKey);
                }
        }
    }

    /// <summary>The DER SubjectPublicKeyInfo, as AWS GetPublicKey returns it (RFC 8410 for Ed25519).</summary>
    public byte[] ExportSubjectPublicKeyInfo()
    {
        ThrowIfDisposed();
        return _spec.Family switch
        {
            KeyFamily.Rsa => _rsa!.ExportSubjectPublicKeyInfo(),
            KeyFamily.Ec => _ecdsa!.ExportSubjectPublicKeyInfo(),
            _ => Ed25519Encoding.Spki(_edPublicKey!.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey)),
        };
    }

    /// <summary>
    /// The raw public key: 32 bytes for Ed25519, the SEC 1 compressed point for ECC (33 bytes for
    /// P-256 and secp256k1, 49 for P-384, 67 for P-521), <see langword="null"/> for RSA.
    /// </summary>
    public byte[]? RawPublicKey()
    {
        ThrowIfDisposed();
        return _spec.Family switch
        {
            KeyFamily.Rsa => null,
            KeyFamily.Ec => EcPoints.Compress(_ecdsa!.ExportParameters(false).Q),
            _ => _edPublicKey!.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey),
        };
    }

    /// <summary>
    /// Signs <paramref name="message"/> (RAW, at most 4096 bytes, or a DIGEST of the algorithm's hash
    /// length). ECDSA signatures are DER; RSA-PSS uses a salt as long as the digest. Throws
    /// <c>InvalidKeyUsageException</c> for an algorithm the spec does not support and
    /// <c>ValidationException</c> for bad names or lengths.
    /// </summary>
    public byte[] Sign(string signingAlgorithm, ReadOnlySpan<byte> message, string messageType)
    {
        ThrowIfDisposed();
        var info = SigningAlgorithmInfo.Resolve(_spec, signingAlgorithm, messageType, message.Length);
        if (!HasPrivateKey)
        {
            throw new InvalidOperationException("This handle holds only a public key.");
        }

        var raw = messageType == MessageTypes.Raw;
        switch (info.Scheme)
        {
            case SignatureScheme.RsaPss:
            case SignatureScheme.RsaPkcs1:
                {
                    var padding = info.Scheme == SignatureScheme.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                    return raw ? _rsa!.SignData(message, info.Hash, padding) : _rsa!.SignHash(message, info.Hash, padding);
                }

            case SignatureScheme.Ecdsa:
                return raw
                    ? _ecdsa!.SignData(message, info.Hash, DSASignatureFormat.Rfc3279DerSequence)
                    : _ecdsa!.SignHash(message, DSASignatureFormat.Rfc3279DerSequence);

            case SignatureScheme.Ed25519:
                return NSec.Cryptography.SignatureAlgorithm.Ed25519.Sign(_edKey!, message);

            default:
                {
                    Span<byte> prehash = stackalloc byte[64];
                    PreHash(message, raw, prehash);
                    var signature = new byte[Ed25519PrivateKeyParameters.SignatureSize];
                    var privateKey = new Ed25519PrivateKeyParameters(_edSeed!.Span);
                    privateKey.Sign(Ed25519.Algorithm.Ed25519ph, EmptyContext, prehash, signature);
                    return signature;
                }
        }
    }

    /// <summary>
    /// Verifies <paramref name="signature"/> over <paramref name="message"/>. Returns
    /// <see langword="false"/> for any signature that does not verify, including malformed DER;
    /// throws only for caller errors (unknown or unsupported algorithm, bad message length).
    /// </summary>
    public bool Verify(string signingAlgorithm, ReadOnlySpan<byte> message, string messageType, ReadOnlySpan<byte> signature)
    {
        ThrowIfDisposed();
        var info = SigningAlgorithmInfo.Resolve(_spec, signingAlgorithm, messageType, message.Length);
        var raw = messageType == MessageTypes.Raw;
        try
        {
            switch (info.Scheme)
            {
                case SignatureScheme.RsaPss:
                case SignatureScheme.RsaPkcs1:
                    {
                        var padding = info.Scheme == SignatureScheme.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                        return raw ? _rsa!.VerifyData(message, signature, info.Hash, padding) : _rsa!.VerifyHash(message, signature, info.Hash, padding);
                    }

                case SignatureScheme.Ecdsa:
                    {
                        Span<byte> fixedWidth = stackalloc byte[2 * _spec.CoordinateSize];
                        if (!EcdsaDer.TryToP1363(signature, _spec.CoordinateSize, fixedWidth))
                        {
                            return false;
                        }

                        return raw
                            ? _ecdsa!.VerifyData(message, fixedWidth, info.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                            : _ecdsa!.VerifyHash(message, fixedWidth, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                    }

                case SignatureScheme.Ed25519:
                    return NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(_edPublicKey!, message, signature);

                default:
                    {
                        if (signature.Length != Ed25519PrivateKeyParameters.SignatureSize)
                        {
                            return false;
                        }

                        Span<byte> prehash = stackalloc byte[64];
                        PreHash(message, raw, prehash);
                        var publicKey = new Ed25519PublicKeyParameters(_edPublicKey!.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey));
                        return publicKey.Verify(Ed25519.Algorithm.Ed25519ph, EmptyContext, prehash, signature);
                    }
            }
        }
        catch (CryptographicException)
        {
            // A signature the library cannot even parse is a signature that does not verify.
            return false;
        }
    }

    /// <summary>
    /// RSAES-OAEP encryption with AWS's plaintext limits (k − 2·hLen − 2 bytes: 214/190 for RSA_2048,
    /// 342/318 for RSA_3072, 470/446 for RSA_4096 with SHA-1/SHA-256).
    /// </summary>
    public byte[] Encrypt(string encryptionAlgorithm, ReadOnlySpan<byte> plaintext)
    {
        ThrowIfDisposed();
        var padding = ResolveOaep(encryptionAlgorithm, out var hashLength);
        var max = MaxPlaintextLength(_spec.Bits, hashLength);
        if (plaintext.Length > max)
        {
            throw Error.PlaintextTooLong(encryptionAlgorithm, _spec.Name, max);
        }

        return _rsa!.Encrypt(plaintext, padding);
    }

    /// <summary>
    /// RSAES-OAEP decryption. Any failure is <c>InvalidCiphertextException</c> with no detail (no
    /// padding oracle in the message).
    /// </summary>
    public SecretBytes Decrypt(string encryptionAlgorithm, ReadOnlySpan<byte> ciphertext)
    {
        ThrowIfDisposed();
        var padding = ResolveOaep(encryptionAlgorithm, out _);
        if (!HasPrivateKey)
        {
            throw new InvalidOperationException("This handle holds only a public key.");
        }

        var modulusBytes = _spec.Bits / 8;
        if (ciphertext.Length != modulusBytes)
        {
            throw Error.InvalidCiphertext();
        }

        var buffer = GC.AllocateArray<byte>(modulusBytes, pinned: true);
        try
        {
            if (!_rsa!.TryDecrypt(ciphertext, buffer, padding, out var written))
            {
                throw Error.InvalidCiphertext();
            }

            return SecretBytes.Copy(buffer.AsSpan(0, written));
        }
        catch (CryptographicException)
        {
            throw Error.InvalidCiphertext();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>Frees the native key and wipes the Ed25519 seed.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _rsa?.Dispose();
        _ecdsa?.Dispose();
        _edKey?.Dispose();
        _edSeed?.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"AsymmetricKeyHandle({KeySpec})";

    internal static int MaxPlaintextLength(int modulusBits, int hashLength) => (modulusBits / 8) - (2 * hashLength) - 2;

    internal static T ImportEcPublicKey<T>(KeySpecInfo spec, ReadOnlySpan<byte> publicKeySpki, T key)
        where T : ECAlgorithm
    {
        try
        {
            key.ImportSubjectPublicKeyInfo(publicKeySpki, out var read);
            if (read != publicKeySpki.Length || !EcPoints.IsCurve(key.ExportParameters(false).Curve, spec.CurveOid!))
            {
                throw Error.InvalidPublicKey(spec.Name);
            }

            return key;
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw Error.InvalidPublicKey(spec.Name);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    internal static KeySpecInfo RequireAsymmetric(string keySpec, string operation)
    {
        var spec = KeySpecs.Get(keySpec);
        if (spec.Family is not (KeyFamily.Rsa or KeyFamily.Ec or KeyFamily.Ed25519))
        {
            throw Error.WrongKeyUsage(operation, spec.Name);
        }

        return spec;
    }

    private static void PreHash(ReadOnlySpan<byte> message, bool raw, Span<byte> prehash)
    {
        if (raw)
        {
            SHA512.HashData(message, prehash);
        }
        else
        {
            message.CopyTo(prehash);
        }
    }

    private RSAEncryptionPadding ResolveOaep(string? encryptionAlgorithm, out int hashLength)
    {
        if (encryptionAlgorithm is null || !EncryptionAlgorithms.All.Contains(encryptionAlgorithm))
        {
            throw Error.NotInEnum(encryptionAlgorithm, "encryptionAlgorithm", EncryptionAlgorithms.All);
        }

        if (!_spec.EncryptionAlgorithms.Contains(encryptionAlgorithm))
        {
            throw Error.WrongAlgorithm("EncryptionAlgorithm", encryptionAlgorithm, _spec.Name);
        }

        (hashLength, var padding) = encryptionAlgorithm == EncryptionAlgorithms.RsaesOaepSha1
            ? (20, RSAEncryptionPadding.OaepSHA1)
            : (32, RSAEncryptionPadding.OaepSHA256);
        return padding;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
