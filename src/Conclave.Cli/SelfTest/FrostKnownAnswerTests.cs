using System.Text.Json;
using Conclave.Crypto.Random;
using Conclave.Threshold;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Signing;

namespace Conclave.Cli.SelfTest;

/// <summary>
/// Known-answer tests: re-derive the published FROST vectors (RFC 9591 Appendix E for the two
/// RFC suites, ZcashFoundation frost-secp256k1-tr for Taproot) from their inputs — dealer
/// shares, nonces from the given randomness, signature shares and the final signature.
/// </summary>
internal static class FrostKnownAnswerTests
{
    internal static IReadOnlyList<Kat> All { get; } =
    [
        new(Ed25519Sha512.Instance, "kat/frost-ed25519-sha512.json", "RFC 9591 E.1"),
        new(Secp256k1Sha256.Instance, "kat/frost-secp256k1-sha256.json", "RFC 9591 E.5"),
        new(Secp256k1Taproot.Instance, "kat/frost-secp256k1-tr.json", "ZF frost-secp256k1-tr"),
    ];

    internal static bool Run(Kat kat, out string detail)
    {
        var suite = kat.Suite;
        var g = suite.Group;
        using var stream = typeof(FrostKnownAnswerTests).Assembly.GetManifestResourceStream(kat.Resource)
            ?? throw new InvalidOperationException($"Missing embedded vector {kat.Resource}.");
        using var doc = JsonDocument.Parse(stream);
        var root = doc.RootElement;
        var inputs = root.GetProperty("inputs");
        var t = int.Parse(root.GetProperty("config").GetProperty("MIN_PARTICIPANTS").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var n = int.Parse(root.GetProperty("config").GetProperty("MAX_PARTICIPANTS").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var secret = Hex(inputs.GetProperty("group_secret_key"));
        var coefficients = inputs.GetProperty("share_polynomial_coefficients").EnumerateArray().Select(Hex).ToList();
        var message = Hex(inputs.GetProperty("message"));

        using var dealt = TrustedDealer.Split(suite, secret, t, n, SystemRandomSource.Instance, coefficients);
        var expectedKey = inputs.TryGetProperty("group_public_key", out var gpk) ? gpk : inputs.GetProperty("verifying_key_key");
        if (dealt.PublicKeyPackage.VerifyingKey.ToString() != expectedKey.GetString())
        {
            detail = "group public key differs";
            return false;
        }

        var nonces = new Dictionary<ParticipantId, SigningNonces>();
        foreach (var o in root.GetProperty("round_one_outputs").GetProperty("outputs").EnumerateArray())
        {
            var id = new ParticipantId((ushort)o.GetProperty("identifier").GetInt32());
            var random = new KnownAnswerRandom(Hex(o.GetProperty("hiding_nonce_randomness")), Hex(o.GetProperty("binding_nonce_randomness")));
            nonces[id] = Round1.Commit(dealt.KeyPackages[id.Value - 1], random);
            if (nonces[id].Commitments.Hiding.ToString() != o.GetProperty("hiding_nonce_commitment").GetString()
                || nonces[id].Commitments.Binding.ToString() != o.GetProperty("binding_nonce_commitment").GetString())
            {
                detail = $"round-one commitments of participant {id} differ";
                return false;
            }
        }

        var package = new SigningPackage(nonces.Values.Select(x => x.Commitments), message);
        var shares = new List<SignatureShare>();
        foreach (var o in root.GetProperty("round_two_outputs").GetProperty("outputs").EnumerateArray())
        {
            var id = new ParticipantId((ushort)o.GetProperty("identifier").GetInt32());
            var share = Round2.Sign(package, nonces[id], dealt.KeyPackages[id.Value - 1]);
            if (Convert.ToHexStringLower(share.Share) != o.GetProperty("sig_share").GetString())
            {
                detail = $"signature share of participant {id} differs";
                return false;
            }

            shares.Add(share);
        }

        var signature = Aggregate.Run(package, shares, dealt.PublicKeyPackage);
        if (Convert.ToHexStringLower(signature) != root.GetProperty("final_output").GetProperty("sig").GetString()
            || !suite.Verify(dealt.PublicKeyPackage.SerializePublicKey(), message, signature))
        {
            detail = "final signature differs or does not verify";
            return false;
        }

        detail = "ok";
        return true;
    }

    private static byte[] Hex(JsonElement e) => Convert.FromHexString(e.GetString()!);

    internal sealed record Kat(FrostCiphersuite Suite, string Resource, string Source);

    /// <summary>Replays the vector's nonce randomness; used only for known-answer tests.</summary>
    private sealed class KnownAnswerRandom(params byte[][] chunks) : IRandomSource
    {
        private readonly Queue<byte[]> _chunks = new(chunks);

        public void Fill(Span<byte> destination) => _chunks.Dequeue().CopyTo(destination);
    }
}
