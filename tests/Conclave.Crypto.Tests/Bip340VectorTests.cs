using System.Globalization;
using Conclave.Crypto.Signatures;

namespace Conclave.Crypto.Tests;

/// <summary>
/// The BIP-340 test vectors (bitcoin/bips bip-0340/test-vectors.csv, see TestData/SOURCES.md)
/// against <see cref="Bip340Signature"/>, and against the independent <see cref="Bip340Reference"/>.
/// </summary>
public sealed class Bip340VectorTests
{
    private const int ColumnCount = 8;

    // Declared first: the TheoryData properties below are built from it.
    private static readonly List<Row> Rows = Load();

    /// <summary>Every row: index, public key, message, signature (hex, as in the file) and the expected result.</summary>
    public static TheoryData<int, string, string, string, bool> VerificationRows { get; } =
        new(Rows.Select(r => new TheoryDataRow<int, string, string, string, bool>(r.Index, r.PublicKey, r.Message, r.Signature, r.Expected)));

    /// <summary>The rows with a secret key: index, secret key, public key, aux_rand, message, signature.</summary>
    public static TheoryData<int, string, string, string, string, string> SigningRows { get; } =
        new(Rows.Where(r => r.SecretKey.Length > 0)
            .Select(r => new TheoryDataRow<int, string, string, string, string, string>(r.Index, r.SecretKey, r.PublicKey, r.AuxRand, r.Message, r.Signature)));

    /// <summary>The rows with a secret key: index, secret key, x-only public key.</summary>
    public static TheoryData<int, string, string> KeyRows { get; } =
        new(Rows.Where(r => r.SecretKey.Length > 0).Select(r => new TheoryDataRow<int, string, string>(r.Index, r.SecretKey, r.PublicKey)));

    [Fact]
    public void The_vector_file_has_all_nineteen_rows_with_both_outcomes()
    {
        Assert.Equal(Enumerable.Range(0, 19), Rows.Select(r => r.Index));
        Assert.Equal(9, Rows.Count(r => r.Expected));
        Assert.Equal(10, Rows.Count(r => !r.Expected));
        Assert.Equal(8, SigningRows.Count);
        Assert.Equal([0, 1, 17, 100], Rows.Where(r => r.Index >= 15).Select(r => r.Message.Length / 2));
    }

    [Theory]
    [MemberData(nameof(VerificationRows))]
    public void Verify_returns_the_expected_result(int index, string publicKey, string message, string signature, bool expected)
    {
        var actual = Bip340Signature.Verify(Convert.FromHexString(publicKey), Convert.FromHexString(message), Convert.FromHexString(signature));
        Assert.True(expected == actual, $"row {index}: expected {expected}, got {actual}");
    }

    [Theory]
    [MemberData(nameof(VerificationRows))]
    public void The_BouncyCastle_reference_verifier_agrees_with_the_vectors(int index, string publicKey, string message, string signature, bool expected)
    {
        var actual = Bip340Reference.Verify(Convert.FromHexString(publicKey), Convert.FromHexString(message), Convert.FromHexString(signature));
        Assert.True(expected == actual, $"row {index}: expected {expected}, got {actual}");
    }

    [Theory]
    [MemberData(nameof(SigningRows))]
    public void Sign_reproduces_the_vector_signature(int index, string secretKey, string publicKey, string auxRand, string message, string signature)
    {
        var sig = new byte[64];
        Bip340Signature.Sign(Convert.FromHexString(secretKey), Convert.FromHexString(message), Convert.FromHexString(auxRand), sig);
        Assert.Equal(signature, Convert.ToHexString(sig));
        Assert.True(Bip340Signature.Verify(Convert.FromHexString(publicKey), Convert.FromHexString(message), sig), $"row {index}");
    }

    [Theory]
    [MemberData(nameof(KeyRows))]
    public void XOnlyPublicKey_reproduces_the_vector_public_key(int index, string secretKey, string publicKey)
    {
        Assert.True(publicKey == Convert.ToHexString(Bip340Signature.XOnlyPublicKey(Convert.FromHexString(secretKey))), $"row {index}");
    }

    [Fact]
    public void Verify_rejects_every_single_bit_flip_of_a_vector_signature()
    {
        var row = Rows.Single(r => r.Index == 1);
        var pk = Convert.FromHexString(row.PublicKey);
        var msg = Convert.FromHexString(row.Message);
        var sig = Convert.FromHexString(row.Signature);
        Assert.True(Bip340Signature.Verify(pk, msg, sig));
        for (var bit = 0; bit < 64 * 8; bit++)
        {
            var tampered = (byte[])sig.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(Bip340Signature.Verify(pk, msg, tampered), $"bit {bit}");
        }
    }

    [Fact]
    public void Verify_rejects_a_signature_under_another_key_or_message()
    {
        var row = Rows.Single(r => r.Index == 1);
        var other = Rows.Single(r => r.Index == 2);
        var msg = Convert.FromHexString(row.Message);
        var sig = Convert.FromHexString(row.Signature);
        Assert.False(Bip340Signature.Verify(Convert.FromHexString(other.PublicKey), msg, sig));
        Assert.False(Bip340Signature.Verify(Convert.FromHexString(row.PublicKey), Convert.FromHexString(other.Message), sig));
    }

    private static List<Row> Load()
    {
        var lines = File.ReadAllLines(TestFiles.PathOf("bip340/test-vectors.csv"));
        if (lines[0] != "index,secret key,public key,aux_rand,message,signature,verification result,comment")
        {
            throw new InvalidDataException("Unexpected BIP-340 CSV header.");
        }

        var rows = new List<Row>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            // The comment is the last column and may contain commas; the others never do.
            var f = line.Split(',', ColumnCount);
            if (f.Length != ColumnCount)
            {
                throw new InvalidDataException($"Malformed BIP-340 CSV row: {line}");
            }

            var expected = f[6] switch
            {
                "TRUE" => true,
                "FALSE" => false,
                _ => throw new InvalidDataException($"Unexpected verification result '{f[6]}'."),
            };
            rows.Add(new Row(int.Parse(f[0], CultureInfo.InvariantCulture), f[1], f[2], f[3], f[4], f[5], expected));
        }

        return rows;
    }

    private sealed record Row(int Index, string SecretKey, string PublicKey, string AuxRand, string Message, string Signature, bool Expected);
}
