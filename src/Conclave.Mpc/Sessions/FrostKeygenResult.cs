using Conclave.Threshold;
using Conclave.Threshold.Frost.Keys;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One node's output of a <see cref="FrostKeygenSession"/>: its <see cref="KeyPackage"/> (secret,
/// wiped by <see cref="Dispose"/>), the group's <see cref="PublicKeyPackage"/>, and the
/// participants' node ids in <see cref="ParticipantId"/> order (participant i is
/// <c>Participants[i - 1]</c>), which signing sessions use to map nodes to identifiers.
/// Kept in memory only; persisting it is the share store's job.
/// </summary>
public sealed class FrostKeygenResult : IDisposable
{
    internal FrostKeygenResult(KeyPackage keyPackage, PublicKeyPackage publicKeyPackage, IReadOnlyList<string> participants)
    {
        KeyPackage = keyPackage;
        PublicKeyPackage = publicKeyPackage;
        Participants = participants;
    }

    /// <summary>This node's key package (secret share).</summary>
    public KeyPackage KeyPackage { get; }

    /// <summary>The group public key and every participant's verifying share.</summary>
    public PublicKeyPackage PublicKeyPackage { get; }

    /// <summary>Node ids in participant-id order (sorted ordinally).</summary>
    public IReadOnlyList<string> Participants { get; }

    /// <summary>The participant id of <paramref name="nodeId"/>.</summary>
    /// <exception cref="ArgumentException">The node did not take part in the key generation.</exception>
    public ParticipantId ParticipantIdOf(string nodeId) => SessionParticipants.IdOf(Participants, nodeId);

    /// <summary>Wipes the secret share.</summary>
    public void Dispose() => KeyPackage.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"FrostKeygenResult({PublicKeyPackage.Suite.Name}, participant {KeyPackage.Identifier} of {Participants.Count}, <redacted>)";
}
