using System.Diagnostics.CodeAnalysis;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Π^prm, the ring-Pedersen parameter proof of CGGMP21 (ePrint 2021/060, Fig. 17; Lockness spec
/// §"Π^prm: Ring-Pedersen Parameters"), made non-interactive with Fiat-Shamir: the prover knows λ
/// with s = t^λ mod N, i.e. s ∈ ⟨t⟩, with soundness error 2^-m for m = <see cref="Cggmp21Parameters.M"/>.
/// </summary>
/// <remarks>
/// The transcript starts with the protocol name "conclave/cggmp21/pi-prm/v1" and the caller's
/// context bytes, before any public input. The context must bind the session id and the prover's
/// id (and the party ids). This proof says nothing about the shape of N: pair it with Π^mod on N.
/// </remarks>
public sealed class RingPedersenParametersProof : EncodedProof, IDisposable
{
    /// <summary>The transcript's protocol name.</summary>
    internal const string ProtocolName = "conclave/cggmp21/pi-prm/v1";

    private const byte Kind = 2;

    private readonly GmpInteger[] _commitments;
    private readonly GmpInteger[] _responses;

    /// <summary>Takes ownership of the values (tests build tampered proofs through this).</summary>
    internal RingPedersenParametersProof(GmpInteger[] commitments, GmpInteger[] responses)
    {
        _commitments = commitments;
        _responses = responses;
    }

    /// <summary>A_i = t^a_i mod N.</summary>
    public IReadOnlyList<GmpInteger> Commitments => _commitments;

    /// <summary>z_i = a_i + e_i λ mod φ(N).</summary>
    public IReadOnlyList<GmpInteger> Responses => _responses;

    /// <summary>
    /// Proves that s ∈ ⟨t⟩ for the parameters of <paramref name="secret"/>.
    /// <paramref name="context"/> must bind the session and the prover (see the remarks on the type).
    /// </summary>
    public static RingPedersenParametersProof Prove(ReadOnlySpan<byte> context, RingPedersenSecret secret, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var parameters = secret.Parameters;
        return ProveCore(context, parameters.N, parameters.S, parameters.T, secret.Lambda, secret.Phi, random);
    }

    /// <summary>
    /// The prover's algorithm on raw values, with no check that s = t^λ (tests run it with a false
    /// witness to show that the verifier rejects).
    /// </summary>
    internal static RingPedersenParametersProof ProveCore(
        ReadOnlySpan<byte> context,
        GmpInteger n,
        GmpInteger s,
        GmpInteger t,
        GmpInteger lambda,
        GmpInteger phi,
        IRandomSource? random)
    {
        ProofHelpers.ThrowIfEmpty(context);
        random ??= SystemRandomSource.Instance;
        var m = Cggmp21Parameters.M;
        var secrets = new GmpInteger[m];
        var commitments = new GmpInteger[m];
        var responses = new GmpInteger[m];
        try
        {
            // Fig. 17 step 1: a_i ← Z_φ(N), A_i = t^a_i mod N.
            for (var i = 0; i < m; i++)
            {
                secrets[i] = GmpInteger.RandomBelow(phi, random);
                commitments[i] = GmpInteger.PowModSecret(t, secrets[i], n);
            }

            // Fig. 17 step 2 (Fiat-Shamir): e_i ∈ {0,1} from (context, N, s, t, A_1..A_m).
            var e = DeriveChallenges(context, n, s, t, commitments);

            // Fig. 17 step 3: z_i = a_i + e_i λ mod φ(N).
            for (var i = 0; i < m; i++)
            {
                responses[i] = e[i] ? GmpInteger.AddMod(secrets[i], lambda, phi) : GmpInteger.Mod(secrets[i], phi);
            }

            return new RingPedersenParametersProof(commitments, responses);
        }
        catch
        {
            ProofHelpers.DisposeAll(commitments);
            ProofHelpers.DisposeAll(responses);
            throw;
        }
        finally
        {
            ProofHelpers.DisposeAll(secrets);
        }
    }

    /// <summary>
    /// Whether this proves s ∈ ⟨t⟩ for <paramref name="parameters"/> under <paramref name="context"/>.
    /// Never throws for an invalid proof; only for a null or empty argument.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> context, RingPedersenParameters parameters) => Check(context, parameters) == ProofFailure.None;

    /// <summary>The first check the proof fails, or <see cref="ProofFailure.None"/>.</summary>
    internal ProofFailure Check(ReadOnlySpan<byte> context, RingPedersenParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ProofHelpers.ThrowIfEmpty(context);
        var m = Cggmp21Parameters.M;
        if (_commitments.Length != m || _responses.Length != m)
        {
            return ProofFailure.WrongRepetitionCount;
        }

        // Statement: N odd, s, t ∈ Z*_N, s ≠ t (Fig. 17 assumes s, t ∈ Z*_N).
        if (!parameters.IsWellFormed())
        {
            return ProofFailure.ParametersMalformed;
        }

        var n = parameters.N;
        for (var i = 0; i < m; i++)
        {
            // A_i ∈ Z*_N; z_i ∈ [0, N) (the prover reduces z_i mod φ(N) < N; the range keeps exponents canonical).
            if (!ProofHelpers.IsUnit(_commitments[i], n))
            {
                return ProofFailure.CommitmentNotUnit;
            }

            if (_responses[i].IsNegative || _responses[i].CompareTo(n) >= 0)
            {
                return ProofFailure.ResponseOutOfRange;
            }
        }

        var e = DeriveChallenges(context, n, parameters.S, parameters.T, _commitments);
        for (var i = 0; i < m; i++)
        {
            // Fig. 17 step 4: t^z_i = A_i · s^e_i (mod N).
            using var lhs = GmpInteger.PowModPublic(parameters.T, _responses[i], n);
            using var rhs = e[i] ? GmpInteger.MultiplyMod(_commitments[i], parameters.S, n) : _commitments[i].Clone();
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.EquationMismatch;
            }
        }

        return ProofFailure.None;
    }

    /// <summary>e_1..e_m ∈ {0,1} from the transcript over (protocol, context, m, N, s, t, A_1..A_m).</summary>
    internal static bool[] DeriveChallenges(ReadOnlySpan<byte> context, GmpInteger n, GmpInteger s, GmpInteger t, GmpInteger[] commitments)
    {
        using var transcript = new Transcript(ProtocolName);
        transcript.Append("context", context);
        transcript.Append("m", (ulong)commitments.Length);
        transcript.Append("N", n);
        transcript.Append("s", s);
        transcript.Append("t", t);
        for (var i = 0; i < commitments.Length; i++)
        {
            transcript.Append($"A[{i}]", commitments[i]);
        }

        return transcript.ChallengeBits("e", commitments.Length);
    }

    /// <summary>Length of the encoding.</summary>
    public override int GetSerializedLength()
    {
        var length = ProofWriter.HeaderSize + ProofWriter.CountSize;
        foreach (var v in _commitments)
        {
            length += ProofWriter.SizeOf(v);
        }

        foreach (var v in _responses)
        {
            length += ProofWriter.SizeOf(v);
        }

        return length;
    }

    /// <summary>
    /// Parses the canonical encoding: the right version and kind, exactly m repetitions, no negative
    /// number, no trailing byte. Structure only; <see cref="Verify"/> checks the rest.
    /// </summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> source, [NotNullWhen(true)] out RingPedersenParametersProof? proof)
    {
        proof = null;
        var m = Cggmp21Parameters.M;
        var reader = new ProofReader(source);
        if (!reader.TryReadHeader(Kind) || !reader.TryReadCount(m))
        {
            return false;
        }

        var commitments = new GmpInteger[m];
        var responses = new GmpInteger[m];
        var ok = true;
        for (var i = 0; i < m && ok; i++)
        {
            ok = reader.TryReadInteger(false, out var v);
            commitments[i] = v!;
        }

        for (var i = 0; i < m && ok; i++)
        {
            ok = reader.TryReadInteger(false, out var v);
            responses[i] = v!;
        }

        if (!ok || !reader.IsAtEnd)
        {
            ProofHelpers.DisposeAll(commitments);
            ProofHelpers.DisposeAll(responses);
            return false;
        }

        proof = new RingPedersenParametersProof(commitments, responses);
        return true;
    }

    /// <summary>Frees the native numbers.</summary>
    public void Dispose()
    {
        ProofHelpers.DisposeAll(_commitments);
        ProofHelpers.DisposeAll(_responses);
    }

    private protected override void WriteCore(Span<byte> destination)
    {
        var writer = new ProofWriter(destination);
        writer.WriteHeader(Kind);
        writer.WriteCount(_commitments.Length);
        foreach (var v in _commitments)
        {
            writer.WriteInteger(v);
        }

        foreach (var v in _responses)
        {
            writer.WriteInteger(v);
        }
    }
}
