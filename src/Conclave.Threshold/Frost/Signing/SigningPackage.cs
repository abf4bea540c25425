namespace Conclave.Threshold.Frost.Signing;

/// <summary>
/// What the coordinator sends every signer for round two: the commitment list (sorted by
/// identifier, no duplicates) and the message.
/// </summary>
public sealed class SigningPackage
{
    private readonly byte[] _message;

    /// <summary>Creates the package; the commitments are sorted and must have distinct identifiers of one group.</summary>
    public SigningPackage(IEnumerable<SigningCommitments> commitments, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(commitments);
        var list = commitments.OrderBy(c => c.Identifier).ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("The commitment list is empty.", nameof(commitments));
        }

        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Identifier == list[i - 1].Identifier)
            {
                throw new ArgumentException($"Participant {list[i].Identifier} appears twice in the commitment list.", nameof(commitments));
            }

            if (!ReferenceEquals(list[i].Hiding.Group, list[0].Hiding.Group))
            {
                throw new ArgumentException("Commitments belong to different groups.", nameof(commitments));
            }
        }

        Commitments = list;
        _message = message.ToArray();
    }

    /// <summary>The commitments, sorted by identifier.</summary>
    public IReadOnlyList<SigningCommitments> Commitments { get; }

    /// <summary>The message to sign.</summary>
    public ReadOnlySpan<byte> Message => _message;

    /// <summary>The signers' identifiers, sorted.</summary>
    public IReadOnlyList<ParticipantId> Signers => [.. Commitments.Select(c => c.Identifier)];
}
