using System.Security.Cryptography;
using System.Text;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>
/// How the frozen examples of <see cref="CompatV1"/> were produced: one honest 2-of-3 keygen and one
/// aux-info run, each party with its own <see cref="SeededRandomSource"/>, fixed session ids, and the
/// TEST-ONLY fixture primes (party k uses primes 2(k−1) and 2(k−1)+1). Kept for the record, not to
/// regenerate the files: they are frozen, and a later protocol change may well make this produce
/// other bytes. Explicit, so it never runs by default; it writes to $CONCLAVE_COMPAT_OUT and
/// refuses to overwrite a file.
/// </summary>
public sealed class CompatV1Generator
{
    [Fact(Explicit = true)]
    public void Write_the_frozen_version_1_examples()
    {
        var directory = Environment.GetEnvironmentVariable("CONCLAVE_COMPAT_OUT");
        Assert.False(string.IsNullOrEmpty(directory), "Set CONCLAVE_COMPAT_OUT to the output directory.");
        Directory.CreateDirectory(directory);

        var ids = KeygenTests.Ids(3);
        var shares = Keygen(ids);
        var aux = AuxInfo(ids);
        try
        {
            for (var k = 0; k < 3; k++)
            {
                Write(directory, CompatV1.KeyShareFile(k + 1), shares[k].Serialize());
                Write(directory, CompatV1.AuxInfoFile(k + 1), aux[k].Serialize());
            }
        }
        finally
        {
            shares.ForEach(s => s.Dispose());
            aux.ForEach(a => a.Dispose());
        }
    }

    /// <summary>
    /// The frozen presignature (added later, from the frozen key shares and aux info): party 1's half
    /// of the seeded 2-of-3 presigning run of <see cref="PresignatureEncodingTests.Frozen"/>.
    /// </summary>
    [Fact(Explicit = true)]
    public void Write_the_frozen_version_1_presignature()
    {
        var directory = Environment.GetEnvironmentVariable("CONCLAVE_COMPAT_OUT");
        Assert.False(string.IsNullOrEmpty(directory), "Set CONCLAVE_COMPAT_OUT to the output directory.");
        Directory.CreateDirectory(directory);
        using var frozen = new PresignatureEncodingTests.Frozen();
        var (p1, p2) = frozen.Run();
        using (p1)
        using (p2)
        {
            Write(directory, "cggmp-presignature-2of3-party1.hex", p1.Serialize());
        }
    }

    private static List<CggmpCoreKeyShare> Keygen(List<ParticipantId> ids)
    {
        var session = Session("conclave/compat/v1/keygen-2of3");
        var parties = ids.Select(i => new KeygenParty(session, i, ids, 2, new SeededRandomSource($"conclave/compat/v1/keygen/party{i}"))).ToList();
        try
        {
            var commits = parties.Select(p => p.Round1()).ToList();
            var echoes = parties.Select(p => p.Round2([.. commits.Where(c => c.Sender != p.Self)])).ToList();
            var round3 = parties.Select(p => p.Round3([.. echoes.Where(e => e.Sender != p.Self)])).ToList();
            var dealt = round3.SelectMany(r => r.Shares).ToList();
            var proofs = parties.Select(p => p.Round4([.. round3.Select(r => r.Reveal).Where(r => r.Sender != p.Self)], [.. dealt.Where(s => s.Recipient == p.Self)])).ToList();
            return [.. parties.Select(p => p.Finish([.. proofs.Where(m => m.Sender != p.Self)]))];
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }

    private static List<CggmpAuxInfo> AuxInfo(List<ParticipantId> ids)
    {
        var session = Session("conclave/compat/v1/aux-info-3");
        var parties = ids.Select((id, k) => new AuxInfoParty(session, id, ids, TestOnlySafePrimes.CreateKey(2 * k, (2 * k) + 1), new SeededRandomSource($"conclave/compat/v1/aux/party{id}"))).ToList();
        try
        {
            var commits = parties.Select(p => p.Round1()).ToList();
            var echoes = parties.Select(p => p.Round2([.. commits.Where(c => c.Sender != p.Self)])).ToList();
            var reveals = parties.Select(p => p.Round3([.. echoes.Where(e => e.Sender != p.Self)])).ToList();
            var proofs = parties.SelectMany(p => p.Round4([.. reveals.Where(r => r.Sender != p.Self)])).ToList();
            return [.. parties.Select(p => p.Finish([.. proofs.Where(m => m.Sender != p.Self)]))];
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }

    private static SessionId Session(string label) => new(SHA256.HashData(Encoding.UTF8.GetBytes(label)));

    private static void Write(string directory, string name, byte[] encoding)
    {
        var path = Path.Combine(directory, name);
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            stream.Write(Encoding.ASCII.GetBytes(CompatV1.ToHexText(encoding)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoding);
        }
    }
}
