using System.Security.Cryptography;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Conclave.Mpc.Storage.Internal;
using Conclave.Mpc.Transport;
using Conclave.Threshold;

namespace Conclave.Mpc.Coordination;

/// <summary>
/// What a coordinator asks every party of a session to do: a keygen, sign, presign or reshare request. Every node
/// checks it itself (<see cref="Validate"/> plus its own state and policy) before it joins, and
/// derives the session id from it (<see cref="DeriveSessionId"/>), so no coordinator can make
/// nodes run a session other than the one they checked. Public data only.
/// </summary>
public sealed partial record SessionRequest
{
    /// <summary><see cref="Kind"/> of a key generation.</summary>
    public const string KeygenKind = "keygen";

    /// <summary><see cref="Kind"/> of a signing.</summary>
    public const string SignKind = "sign";

    /// <summary><see cref="Kind"/> of a CGGMP21 presigning whose result each signer stores for a later one-round sign.</summary>
    public const string PresignKind = "presign";

    /// <summary>
    /// <see cref="Kind"/> of a proactive key refresh: new shares of the same key among the same
    /// parties with the same threshold (CGGMP21 key refresh for secp256k1, HJKY95 share renewal for ed25519).
    /// </summary>
    public const string ReshareKind = "reshare";

    /// <summary><see cref="Hash"/>: the nodes sign SHA-256 of the message.</summary>
    public const string Sha256Hash = "sha256";

    /// <summary>Longest wallet id.</summary>
    public const int MaxWalletIdLength = 128;

    /// <summary>Longest message an ed25519 wallet signs (bytes).</summary>
    public const int MaxMessageLength = 64 * 1024;

    /// <summary>Longest chain type label.</summary>
    public const int MaxChainTypeLength = 64;

    /// <summary>Nonce length in bytes.</summary>
    public const int NonceLength = 32;

    /// <summary><see cref="KeygenKind"/>, <see cref="SignKind"/>, <see cref="PresignKind"/> or <see cref="ReshareKind"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The wallet (1–128 characters of <c>A–Z a–z 0–9 . _ : -</c>).</summary>
    public required string WalletId { get; init; }

    /// <summary>A <see cref="KeyTypes"/> value.</summary>
    public required string KeyType { get; init; }

    /// <summary>Keygen: t, the number of parties needed to sign. Sign, presign, reshare: the wallet's t.</summary>
    public int Threshold { get; init; }

    /// <summary>Keygen: the n parties that get a share. Sign: the signers. Reshare: all of the wallet's parties. Node ids, ordinal order, distinct.</summary>
    public required IReadOnlyList<string> Parties { get; init; }

    /// <summary>Keygen only: an optional label stored with the wallet and echoed (for example <c>ethereum</c>).</summary>
    public string? ChainType { get; init; }

    /// <summary>
    /// Sign only: the lowercase hex of what is signed (the 32-byte hash for secp256k1 when
    /// <see cref="Hash"/> is null, otherwise the raw message every node hashes itself; the message for ed25519).
    /// </summary>
    public string? Message { get; init; }

    /// <summary>
    /// secp256k1 sign only: null (<see cref="Message"/> is the 32-byte digest) or <see cref="Sha256Hash"/>
    /// (<see cref="Message"/> is the raw message and each node signs the digest it computes itself).
    /// </summary>
    public string? Hash { get; init; }

    /// <summary>
    /// secp256k1 sign only: the lowercase hex id of the stored presignature the signers use (one round),
    /// or null (a fresh presignature inside the session). Only with <see cref="Hash"/> set (CVE-2025-66017).
    /// </summary>
    public string? PresignatureId { get; init; }

    /// <summary>
    /// Reshare only: the wallet's committed key version the refresh starts from (v; the new shares
    /// become v + 1). Every node checks it against its own committed version. Null for other kinds.
    /// </summary>
    public int? KeyVersion { get; init; }

    /// <summary>32 fresh random bytes, lowercase hex, chosen by the coordinator so each request is a new session.</summary>
    public required string Nonce { get; init; }

    /// <summary>The payload (<see cref="Message"/> decoded); empty for keygen and presign.</summary>
    [JsonIgnore]
    public byte[] MessageBytes => Message is null ? [] : Convert.FromHexString(Message);

    /// <summary>A fresh nonce for a new request.</summary>
    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(NonceLength));

    /// <summary>Whether <paramref name="walletId"/> is a well-formed wallet id.</summary>
    public static bool IsValidWalletId(string? walletId) =>
        walletId is { Length: > 0 and <= MaxWalletIdLength } && WalletIdPattern().IsMatch(walletId);

    /// <summary>
    /// The session id: SHA-256 over a length-prefixed encoding of every field, under the label
    /// <c>conclave/mpc/session/v1</c>. Equal requests give equal ids on every node.
    /// </summary>
    public SessionId DeriveSessionId()
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        List<string> fields =
        [
            "conclave/mpc/session/v1", Kind, WalletId, KeyType, Threshold.ToString(invariant), Parties.Count.ToString(invariant),
            .. Parties, ChainType ?? string.Empty, Message ?? string.Empty, Nonce,
        ];
        if (Hash is not null || PresignatureId is not null)
        {
            // Appended only when present: earlier requests keep their session ids.
            fields.AddRange(["hash", Hash ?? string.Empty, "presignature", PresignatureId ?? string.Empty]);
        }

        if (KeyVersion is { } version)
        {
            fields.AddRange(["keyVersion", version.ToString(invariant)]);
        }

        return new SessionId(SHA256.HashData(LengthPrefixed.Concat([.. fields], 0)));
    }

    /// <summary>
    /// Checks the request's form (not the node's state): kind, wallet id, key type, 2 ≤ t ≤ n,
    /// distinct well-formed party ids in ordinal order, nonce, and for a sign request a message of
    /// the right shape (exactly 32 bytes for secp256k1) and at least t signers.
    /// </summary>
    /// <exception cref="MpcRequestException">An <see cref="MpcErrorCode.InvalidRequest"/> naming the problem.</exception>
    public void Validate()
    {
        if (Kind is not (KeygenKind or SignKind or PresignKind or ReshareKind))
        {
            throw MpcRequestException.Invalid("kind must be \"keygen\", \"sign\", \"presign\" or \"reshare\".");
        }

        if (!IsValidWalletId(WalletId))
        {
            throw MpcRequestException.Invalid($"walletID must be 1–{MaxWalletIdLength} characters of A–Z, a–z, 0–9, '.', '_', ':' or '-'.");
        }

        if (!KeyTypes.IsKnown(KeyType))
        {
            throw MpcRequestException.Invalid("keyType must be \"secp256k1\" or \"ed25519\".");
        }

        if (Parties is null || Parties.Any(p => !NodePublicIdentity.IsValidNodeId(p)))
        {
            throw MpcRequestException.Invalid("the party list holds an invalid node id.");
        }

        if (!Parties.SequenceEqual(Parties.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)))
        {
            throw MpcRequestException.Invalid("the parties must be distinct and in ordinal order.");
        }

        if (Nonce is not { Length: NonceLength * 2 } || !IsLowerHex(Nonce))
        {
            throw MpcRequestException.Invalid("the nonce must be 32 bytes of lowercase hex.");
        }

        if (Kind != SignKind && (Hash is not null || PresignatureId is not null))
        {
            throw MpcRequestException.Invalid("only a sign request carries a hash or presignature id.");
        }

        if ((Kind == ReshareKind) != KeyVersion.HasValue)
        {
            throw MpcRequestException.Invalid("a reshare request, and only a reshare request, carries the wallet's key version.");
        }

        if (Kind == ReshareKind)
        {
            if (Threshold < 2 || Threshold > Parties.Count || KeyVersion < 1)
            {
                throw MpcRequestException.Invalid($"a reshare needs 2 ≤ threshold ≤ parties and a key version of at least 1 (threshold {Threshold}, parties {Parties.Count}).");
            }

            if (Message is not null || ChainType is not null)
            {
                throw MpcRequestException.Invalid("a reshare request carries no message and no chainType.");
            }

            return;
        }

        if (Kind == KeygenKind)
        {
            if (Threshold < 2 || Threshold > Parties.Count)
            {
                throw MpcRequestException.Invalid($"threshold must satisfy 2 ≤ threshold ≤ totalParties (threshold {Threshold}, totalParties {Parties.Count}).");
            }

            if (Message is not null)
            {
                throw MpcRequestException.Invalid("a keygen request carries no message.");
            }

            if (ChainType is { } chain && (chain.Length is 0 or > MaxChainTypeLength || !ChainTypePattern().IsMatch(chain)))
            {
                throw MpcRequestException.Invalid($"chainType must be 1–{MaxChainTypeLength} characters of A–Z, a–z, 0–9, '.', '_' or '-'.");
            }

            return;
        }

        if (Threshold < 2 || Parties.Count < Threshold)
        {
            throw MpcRequestException.Invalid($"signing needs at least {Math.Max(Threshold, 2)} signers.");
        }

        if (ChainType is not null)
        {
            throw MpcRequestException.Invalid("a sign request carries no chainType.");
        }

        if (Kind == PresignKind)
        {
            if (KeyType != KeyTypes.Secp256k1 || Message is not null)
            {
                throw MpcRequestException.Invalid("a presign request is for a secp256k1 wallet and carries no message.");
            }

            return;
        }

        if (Hash is not null && (KeyType != KeyTypes.Secp256k1 || Hash != Sha256Hash))
        {
            throw MpcRequestException.Invalid("hash must be \"sha256\" (keccak256 is not supported by the nodes), and only for a secp256k1 wallet.");
        }

        if (PresignatureId is not null && (Hash is null || PresignatureId.Length != 64 || !IsLowerHex(PresignatureId)))
        {
            throw MpcRequestException.Invalid("a presignature id is 32 bytes of lowercase hex, and a stored presignature signs only a message the nodes hash themselves.");
        }

        if (Message is null || Message.Length % 2 != 0 || !IsLowerHex(Message))
        {
            throw MpcRequestException.Invalid("the message must be lowercase hex.");
        }

        var length = Message.Length / 2;
        if (KeyType == KeyTypes.Secp256k1 && Hash is null && length != 32)
        {
            throw MpcRequestException.Invalid($"a secp256k1 wallet signs a 32-byte messageHash, not {length} bytes.");
        }

        if (length > MaxMessageLength)
        {
            throw MpcRequestException.Invalid($"the message is longer than {MaxMessageLength} bytes.");
        }
    }

    private static bool IsLowerHex(string value) => value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    [GeneratedRegex("^[A-Za-z0-9._:-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex WalletIdPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ChainTypePattern();
}
