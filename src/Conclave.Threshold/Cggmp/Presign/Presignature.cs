using System.Diagnostics;
using Conclave.Crypto;
using Conclave.Crypto.Groups;

namespace Conclave.Threshold.Cggmp.Presign;

/// <summary>
/// One signer's presignature (R, k_i, χ_i) for a fixed signer set. Single use by construction:
/// <see cref="CggmpSigning.PartialSign"/> consumes it (wiping k_i and χ_i) before the partial
/// signature is returned, and a consumed presignature cannot sign again.
/// </summary>
[DebuggerDisplay("Presignature(party {Self}, redacted)")]
public sealed class Presignature : IDisposable
{
    private readonly SecretBytes _secrets; // k_i || χ_i
    private readonly Lock _gate = new();

    internal Presignature(SessionId session, ParticipantId self, IReadOnlyList<ParticipantId> signers, Element r, Element publicKey, SecretBytes secrets)
    {
        Session = session;
        Self = self;
        Signers = signers;
        R = r;
        PublicKey = publicKey;
        _secrets = secrets;
    }

    /// <summary>The presigning session.</summary>
    public SessionId Session { get; }

    /// <summary>This signer.</summary>
    public ParticipantId Self { get; }

    /// <summary>The signer set the presignature was made for.</summary>
    public IReadOnlyList<ParticipantId> Signers { get; }

    /// <summary>R = δ⁻¹·Γ (public).</summary>
    public Element R { get; }

    /// <summary>The public key the signature will verify under.</summary>
    public Element PublicKey { get; }

    /// <summary>Whether the presignature was used or disposed.</summary>
    public bool IsConsumed => _secrets.IsDisposed;

    /// <summary>Wipes k_i and χ_i.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _secrets.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => "<redacted>";

    /// <summary>Hands k_i || χ_i out exactly once and wipes the stored copy (atomically).</summary>
    internal SecretBytes Consume()
    {
        lock (_gate)
        {
            if (_secrets.IsDisposed)
            {
                throw new InvalidOperationException("This presignature was already used or disposed; a presignature signs exactly once.");
            }

            var copy = SecretBytes.Copy(_secrets.Span);
            _secrets.Dispose();
            return copy;
        }
    }
}
