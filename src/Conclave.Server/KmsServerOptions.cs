namespace Conclave.Server;

/// <summary>How <see cref="KmsServer"/> runs: where its data lives, which port, root key and store.</summary>
public sealed record KmsServerOptions
{
    /// <summary>The data directory; the KMS keeps its files under <c>&lt;dir&gt;/kms/</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The API port on 127.0.0.1 (0 picks a free one).</summary>
    public int ApiPort { get; init; } = KmsApiHost.DefaultPort;

    /// <summary><c>software</c> (a 0600 key file in the data directory; development) or <c>pkcs11</c> (HSM_* variables).</summary>
    public string RootKeyProvider { get; init; } = "software";

    /// <summary><c>sqlite</c> (embedded default, <c>&lt;dir&gt;/kms/kms.db</c>) or <c>postgres</c>.</summary>
    public string Store { get; init; } = "sqlite";

    /// <summary>The PostgreSQL connection string when <see cref="Store"/> is <c>postgres</c> (read from the environment, never argv).</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>How often due deletions and rotations run.</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Creates a development principal on first start and writes <c>&lt;dir&gt;/dev-credentials.env</c>.</summary>
    public bool CreateDevelopmentPrincipal { get; init; }

    /// <summary>
    /// How stale cached key metadata may get when another process changes it in a shared store (at
    /// most 1 minute; zero reads the store on every call). This server's own changes apply at once.
    /// </summary>
    public TimeSpan KeyMetadataMaxStaleness { get; init; } = Conclave.Kms.Service.KmsService.DefaultKeyMetadataMaxStaleness;

    /// <summary>
    /// The bridge API of the MPC cluster whose threshold Ed25519 key signs audit checkpoints, or null
    /// (no checkpoints; <c>conclave up</c> starts them with its own cluster once the bridge is up).
    /// </summary>
    public Uri? AuditCheckpointBridge { get; init; }

    /// <summary>How often a checkpoint of the audit log's head is signed (when the log grew).</summary>
    public TimeSpan AuditCheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The MPC wallet that signs checkpoints (an ed25519 wallet, created on first use).</summary>
    public string AuditCheckpointWalletId { get; init; } = Conclave.Kms.Audit.AuditCheckpointer.DefaultWalletId;

    /// <summary>The clock (tests move it).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <inheritdoc />
    public override string ToString() => $"KmsServerOptions({DataDirectory}, port {ApiPort}, root {RootKeyProvider}, store {Store})";
}
