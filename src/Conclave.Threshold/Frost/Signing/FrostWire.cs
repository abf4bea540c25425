namespace Conclave.Threshold.Frost.Signing;

/// <summary>Wire-format constants shared by FROST messages.</summary>
internal static class FrostWire
{
    /// <summary>The version byte every FROST wire message starts with.</summary>
    internal const byte Version = 1;
}
