using System.ComponentModel.DataAnnotations;
using Facade.Common;

namespace Facade.Proxy.Hosting;

/// <summary>The <c>Facade</c> section: where the edge lives and where it keeps its state.</summary>
public sealed class FacadeOptions
{
    public const string SectionName = "Facade";

    /// <summary>
    /// The public base URL: issuer and canonical resource (<c>aud</c>) of every token. Required in production;
    /// in Development it may be left out and is then taken from the first address Kestrel listens on.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>Folder for the SQLite database and development keys; relative paths are under the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The database engine: a SQLite file (one node, or several on one shared folder) or PostgreSQL (several nodes on
    /// several machines; <see cref="ConnectionString"/> is then required, and the Data Protection keys live there too).
    /// </summary>
    public DatabaseProvider DatabaseProvider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// An explicit connection string: for SQLite it replaces the file <c>facade.db</c> in <see cref="DataDirectory"/>;
    /// for PostgreSQL it is the Npgsql connection string, e.g. <c>Host=db;Database=facade;Username=facade;Password=…</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Seed the demo user (<c>demo</c> / <c>demo-password</c>). Only honoured in Development.</summary>
    public bool SeedDemoUser { get; set; } = true;
}

