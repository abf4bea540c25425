namespace Conclave.Threshold.Frost.Keys;

/// <summary>What a trusted dealer hands out: a key package per participant, the public package and the VSS commitment.</summary>
public sealed class DealerOutput : IDisposable
{
    internal DealerOutput(IReadOnlyList<KeyPackage> keyPackages, PublicKeyPackage publicKeyPackage, VssCommitment commitment)
    {
        KeyPackages = keyPackages;
        PublicKeyPackage = publicKeyPackage;
        Commitment = commitment;
    }

    /// <summary>One key package per participant, identifiers 1..n.</summary>
    public IReadOnlyList<KeyPackage> KeyPackages { get; }

    /// <summary>The public key package.</summary>
    public PublicKeyPackage PublicKeyPackage { get; }

    /// <summary>The dealer's VSS commitment, against which each participant can check its share.</summary>
    public VssCommitment Commitment { get; }

    /// <summary>Wipes every key package.</summary>
    public void Dispose()
    {
        foreach (var kp in KeyPackages)
        {
            kp.Dispose();
        }
    }
}
