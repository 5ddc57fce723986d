using System.ComponentModel.DataAnnotations;
using Facade.Common;

namespace Facade.DeviceEdge.Hosting;

/// <summary>The <c>DeviceEdge</c> section: whose tokens the REST API accepts, where the data lives, request limits.</summary>
public sealed class DeviceEdgeOptions
{
    public const string SectionName = "DeviceEdge";

    /// <summary>The edge's public URL: token issuer and audience (docs/architecture.md: one canonical resource).</summary>
    public Uri? Issuer { get; set; }

    /// <summary>Where to read the edge's discovery document (and so its JWKS); defaults to the issuer's.</summary>
    public Uri? MetadataAddress { get; set; }

    /// <summary>Folder of the SQLite file <c>device-edge.db</c>, relative to the content root unless rooted.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The database engine: the SQLite file (workers on one host share it) or PostgreSQL (workers anywhere;
    /// <see cref="ConnectionString"/> is then required).
    /// </summary>
    public DatabaseProvider DatabaseProvider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Explicit connection string: for SQLite it replaces the file in <see cref="DataDirectory"/>; for PostgreSQL the Npgsql form.</summary>
    public string? ConnectionString { get; set; }

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a validated token is remembered at most (never past its expiry); zero validates every request.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan TokenCacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest JSON request body the REST API reads.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 16 * 1024;

    /// <summary>How often device status (last seen, online) kept in memory is written to the database.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StatusFlushInterval { get; set; } = TimeSpan.FromSeconds(10);
}
