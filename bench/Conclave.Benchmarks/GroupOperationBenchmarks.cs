using BenchmarkDotNet.Attributes;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Random;

namespace Conclave.Benchmarks;

/// <summary>
/// The group operations FROST is built from, as Conclave calls them (through PrimeOrderGroup,
/// with its encode/decode on every call): the cost model for the FROST tables.
/// </summary>
public class GroupOperationBenchmarks
{
    private PrimeOrderGroup _group = null!;
    private byte[] _scalar = [];
    private byte[] _smallScalar = [];
    private Element _point = null!;
    private Element _other = null!;
    private byte[] _encoding = [];

    [Params("ed25519", "secp256k1")]
    public string Group { get; set; } = "ed25519";

    [GlobalSetup]
    public void Setup()
    {
        _group = Group == "ed25519" ? Ed25519Group.Instance : Secp256k1Group.Instance;
        _scalar = _group.NewScalar();
        _group.RandomScalar(SystemRandomSource.Instance, _scalar);
        _smallScalar = _group.NewScalar();
        _group.ScalarFromUInt64(67, _smallScalar);
        var s = _group.NewScalar();
        _group.RandomScalar(SystemRandomSource.Instance, s);
        _point = _group.MultiplyBase(s);
        _group.RandomScalar(SystemRandomSource.Instance, s);
        _other = _group.MultiplyBase(s);
        _encoding = _group.SerializeElement(_point);
    }

    /// <summary>Fixed-base multiplication by a full-size scalar (commitments, verifying shares).</summary>
    [Benchmark]
    public Element MultiplyBase() => _group.MultiplyBase(_scalar);

    /// <summary>Variable-base multiplication by a full-size SECRET scalar (constant time; secp256k1 via the ECDH ladder).</summary>
    [Benchmark]
    public Element Multiply() => _group.Multiply(_point, _scalar);

    /// <summary>Variable-base multiplication by a full-size PUBLIC scalar (group commitment: binding * rho).</summary>
    [Benchmark]
    public Element MultiplyPublic() => _group.MultiplyPublic(_point, _scalar);

    /// <summary>Variable-base multiplication by a 7-bit public scalar (Horner steps of VSS evaluation: acc * id).</summary>
    [Benchmark]
    public Element MultiplySmall() => _group.MultiplyPublic(_point, _smallScalar);

    /// <summary>Point addition.</summary>
    [Benchmark]
    public Element Add() => _group.Add(_point, _other);

    /// <summary>Decoding with validation (what every received element costs).</summary>
    [Benchmark]
    public bool Deserialize() => _group.TryDeserializeElement(_encoding, out _);

    /// <summary>Scalar inversion (Lagrange coefficients).</summary>
    [Benchmark]
    public byte[] ScalarInvert()
    {
        var r = _group.NewScalar();
        _group.ScalarInvertPublic(_scalar, r);
        return r;
    }
}
