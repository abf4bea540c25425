using System.Diagnostics;
using Conclave.Crypto;
using Conclave.Crypto.Groups;

namespace Conclave.Threshold.Cggmp.Presign;

/// <summary>
/// One signer's presignature (k_i, χ_i) with its public data (R, Γ, every signer's Δ_j and S_j) for a
/// fixed signer set. Single use by construction:
/// <see cref="CggmpSigning.PartialSign"/> consumes it (wiping k_i and χ_i) before the partial
/// signature is returned, and a consumed presignature cannot sign again.
/// </summary>
[DebuggerDisplay("Presignature(party {Self}, redacted)")]
public sealed partial class Presignature : IDisposable
{
    private readonly SecretBytes _secrets; // k_i || χ_i
    private readonly Lock _gate = new();

    internal Presignature(ParticipantId self, PresignaturePublicData publicData, SecretBytes secrets)
    {
        Self = self;
        PublicData = publicData;
        _secrets = secrets;
    }

    /// <summary>This signer.</summary>
    public ParticipantId Self { get; }

    /// <summary>The public part, identical at every signer; <see cref="CggmpSigning.Combine"/> needs it.</summary>
    public PresignaturePublicData PublicData { get; }

    /// <summary>The presigning session.</summary>
    public SessionId Session => PublicData.Session;

    /// <summary>The signer set the presignature was made for.</summary>
    public IReadOnlyList<ParticipantId> Signers => PublicData.Signers;

    /// <summary>R = δ⁻¹·Γ (public).</summary>
    public Element R => PublicData.R;

    /// <summary>The public key the signature will verify under.</summary>
    public Element PublicKey => PublicData.PublicKey;

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
