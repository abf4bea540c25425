namespace Conclave.Mpc.Coordination;

/// <summary>
/// A keygen or sign request failed for the reason in <see cref="Code"/>. The message is meant for
/// the API caller: it names nodes, wallets and checks, never key material.
/// </summary>
public sealed class MpcRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MpcRequestException(MpcErrorCode code, string message, IReadOnlyList<string>? culprits = null)
        : base(message)
    {
        Code = code;
        Culprits = culprits ?? [];
    }

    /// <summary>Creates an <see cref="MpcErrorCode.Internal"/> exception.</summary>
    public MpcRequestException()
        : this(MpcErrorCode.Internal, "The MPC request failed.")
    {
    }

    /// <summary>Creates an <see cref="MpcErrorCode.Internal"/> exception.</summary>
    public MpcRequestException(string message)
        : this(MpcErrorCode.Internal, message)
    {
    }

    /// <summary>Creates an <see cref="MpcErrorCode.Internal"/> exception.</summary>
    public MpcRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = MpcErrorCode.Internal;
        Culprits = [];
    }

    /// <summary>
    /// For a <see cref="MpcErrorCode.ProtocolAbort"/> caused by a timeout: the round the reporting
    /// node was waiting in (a coordinator trusts the earliest-round complaints: a party that sent
    /// round r is not the one silent in round r). Null for every other failure.
    /// </summary>
    public int? TimedOutRound { get; init; }

    /// <summary>The failure class.</summary>
    public MpcErrorCode Code { get; }

    /// <summary>Node ids blamed for a <see cref="MpcErrorCode.ProtocolAbort"/> (identifiable abort), ordinal order; empty otherwise.</summary>
    public IReadOnlyList<string> Culprits { get; }

    /// <summary>The wire name of <paramref name="code"/>: <c>invalid_request</c>, <c>wallet_not_found</c>, ….</summary>
    public static string CodeName(MpcErrorCode code) => code switch
    {
        MpcErrorCode.InvalidRequest => "invalid_request",
        MpcErrorCode.WalletNotFound => "wallet_not_found",
        MpcErrorCode.WalletExists => "wallet_exists",
        MpcErrorCode.NoQuorum => "no_quorum",
        MpcErrorCode.ProtocolAbort => "protocol_abort",
        MpcErrorCode.PolicyDenied => "policy_denied",
        _ => "internal",
    };

    /// <summary>The code of a wire name from <see cref="CodeName"/> (unknown names are <see cref="MpcErrorCode.Internal"/>).</summary>
    public static MpcErrorCode ParseCode(string? name) =>
        Enum.GetValues<MpcErrorCode>().FirstOrDefault(c => string.Equals(CodeName(c), name, StringComparison.Ordinal), MpcErrorCode.Internal);

    internal static MpcRequestException Invalid(string message) => new(MpcErrorCode.InvalidRequest, message);
}
