using Conclave.Mpc.Coordination;

namespace Conclave.Mpc.Tests.Coordination;

/// <summary>The request forms of pooled presignatures, and the CVE-2025-66017 rule: a stored presignature signs only a digest the nodes compute.</summary>
public sealed class SessionRequestPresignTests
{
    private static SessionRequest Sign(string message, string? hash, string? presignatureId) => new()
    {
        Kind = SessionRequest.SignKind,
        WalletId = "w",
        KeyType = KeyTypes.Secp256k1,
        Threshold = 2,
        Parties = ["node1", "node2"],
        Message = message,
        Hash = hash,
        PresignatureId = presignatureId,
        Nonce = new string('0', 64),
    };

    [Fact]
    public void A_presignature_id_with_a_caller_supplied_hash_is_refused()
    {
        var request = Sign(new string('1', 64), null, new string('a', 64));
        Assert.Equal(MpcErrorCode.InvalidRequest, Assert.Throws<MpcRequestException>(request.Validate).Code);
    }

    [Fact]
    public void A_raw_message_of_any_length_is_accepted_with_sha256_and_changes_the_session_id()
    {
        Sign("00", SessionRequest.Sha256Hash, new string('a', 64)).Validate();
        Sign(string.Empty, SessionRequest.Sha256Hash, null).Validate();
        Assert.Throws<MpcRequestException>(Sign("00", "keccak256", null).Validate);
        Assert.Throws<MpcRequestException>(Sign("00", SessionRequest.Sha256Hash, "ab").Validate);
        var plain = Sign(new string('1', 64), null, null);
        plain.Validate();
        Assert.NotEqual(plain.DeriveSessionId(), (plain with { Hash = SessionRequest.Sha256Hash }).DeriveSessionId());
        Assert.NotEqual(
            (plain with { Hash = SessionRequest.Sha256Hash }).DeriveSessionId(),
            (plain with { Hash = SessionRequest.Sha256Hash, PresignatureId = new string('a', 64) }).DeriveSessionId());
    }

    [Fact]
    public void A_presign_request_carries_no_message_and_is_for_secp256k1_only()
    {
        var presign = Sign("00", null, null) with { Kind = SessionRequest.PresignKind, Message = null };
        presign.Validate();
        Assert.Throws<MpcRequestException>((presign with { Message = "00" }).Validate);
        Assert.Throws<MpcRequestException>((presign with { KeyType = KeyTypes.Ed25519 }).Validate);
        Assert.Throws<MpcRequestException>((presign with { Hash = SessionRequest.Sha256Hash }).Validate);
    }
}
