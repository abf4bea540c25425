using System.Diagnostics;
using Conclave.Crypto;

namespace Conclave.Mpc.Storage;

/// <summary>
/// A committed key share read back from a <see cref="ShareStore"/>: the wallet, its key version and
/// the decrypted share bytes (for example a <c>CggmpCoreKeyShare</c> encoding). Disposing it wipes
/// the share.
/// </summary>
[DebuggerDisplay("CommittedShare({WalletId}, v{KeyVersion}, redacted)")]
public sealed class CommittedShare : IDisposable
{
    internal CommittedShare(string walletId, int keyVersion, SecretBytes share)
    {
        WalletId = walletId;
        KeyVersion = keyVersion;
        Share = share;
    }

    /// <summary>The wallet the share belongs to.</summary>
    public string WalletId { get; }

    /// <summary>The key version (it grows with every refresh).</summary>
    public int KeyVersion { get; }

    /// <summary>The decrypted share; wiped when this object is disposed.</summary>
    public SecretBytes Share { get; }

    /// <summary>Wipes the share.</summary>
    public void Dispose() => Share.Dispose();

    /// <inheritdoc />
    public override string ToString() => "<redacted>";
}
