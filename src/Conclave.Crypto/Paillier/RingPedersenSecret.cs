using System.Diagnostics;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Random;

namespace Conclave.Crypto.Paillier;

/// <summary>
/// The trapdoor of ring-Pedersen parameters built on a party's own Paillier modulus: λ with
/// s = t^λ mod N, and φ(N). Secret; wiped on dispose.
/// </summary>
[DebuggerDisplay("RingPedersenSecret(redacted)")]
public sealed class RingPedersenSecret : IDisposable
{
    private RingPedersenSecret(RingPedersenParameters parameters, GmpInteger lambda, GmpInteger phi)
    {
        Parameters = parameters;
        Lambda = lambda;
        Phi = phi;
    }

    /// <summary>The public parameters.</summary>
    public RingPedersenParameters Parameters { get; }

    internal GmpInteger Lambda { get; }

    internal GmpInteger Phi { get; }

    /// <summary>
    /// Samples t = τ² mod N for τ ← Z*_N, λ ← Z_φ(N), s = t^λ mod N (CGGMP21 auxiliary-info round 1)
    /// on the modulus of <paramref name="key"/>.
    /// </summary>
    public static RingPedersenSecret Generate(PaillierSecretKey key, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        random ??= SystemRandomSource.Instance;
        var n = key.PublicKey.N;
        using var tau = key.PublicKey.RandomUnit(random);
        using var t = GmpInteger.MultiplyMod(tau, tau, n);
        var lambda = GmpInteger.RandomBelow(key.Phi, random);
        using var s = GmpInteger.PowModSecret(t, lambda, n);
        return new RingPedersenSecret(new RingPedersenParameters(n, s, t), lambda, key.Phi.Clone());
    }

    /// <summary>Wipes λ and φ.</summary>
    public void Dispose()
    {
        Lambda.Dispose();
        Phi.Dispose();
        Parameters.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => "<redacted>";
}
