using System.Diagnostics;
using Conclave.Crypto;

namespace Conclave.Threshold.Frost.Signing;

/// <summary>
/// A participant's secret nonce pair (d_i, e_i) with its public commitments. Single use by
/// construction: <see cref="Round2.Sign"/> consumes it (wiping the nonces) whatever the outcome,
/// and a consumed or disposed instance cannot sign again.
/// </summary>
[DebuggerDisplay("SigningNonces(participant {Commitments.Identifier}, redacted)")]
public sealed class SigningNonces : IDisposable
{
    private readonly SecretBytes _nonces; // hiding || binding
    private readonly Lock _gate = new();

    internal SigningNonces(SecretBytes nonces, SigningCommitments commitments)
    {
        _nonces = nonces;
        Commitments = commitments;
    }

    /// <summary>The public commitments to send to the coordinator.</summary>
    public SigningCommitments Commitments { get; }

    /// <summary>Whether the nonces were used or disposed.</summary>
    public bool IsConsumed => _nonces.IsDisposed;

    /// <summary>
    /// Hands the secret nonces to the signing function exactly once; later calls throw.
    /// The caller must dispose the returned buffer.
    /// </summary>
    internal SecretBytes Consume()
    {
        // Check, copy and wipe under one lock so two threads can never both obtain the nonces.
        lock (_gate)
        {
            if (_nonces.IsDisposed)
            {
                throw new InvalidOperationException("These signing nonces were already used or disposed; FROST nonces are single-use (RFC 9591 §5.1).");
            }

            var copy = SecretBytes.Copy(_nonces.Span);
            _nonces.Dispose();
            return copy;
        }
    }

    /// <summary>Wipes the nonces.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _nonces.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => "<redacted>";
}
