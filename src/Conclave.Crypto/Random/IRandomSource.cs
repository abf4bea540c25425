namespace Conclave.Crypto.Random;

/// <summary>
/// Where protocol randomness comes from. Production code uses <see cref="SystemRandomSource"/>
/// (the operating system CSPRNG through <see cref="System.Security.Cryptography.RandomNumberGenerator"/>);
/// tests inject a replaying source to reproduce published vectors.
/// </summary>
public interface IRandomSource
{
    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    void Fill(Span<byte> destination);
}
