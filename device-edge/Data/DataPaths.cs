using Facade.DeviceEdge.Hosting;
using Microsoft.Data.Sqlite;

namespace Facade.DeviceEdge.Data;

/// <summary>Resolves the data folder and the SQLite connection string against the content root.</summary>
internal static class DataPaths
{
    public const string DatabaseFile = "device-edge.db";

    public static string ConnectionString(DeviceEdgeOptions options, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return options.ConnectionString;
        }

        var directory = Path.GetFullPath(Path.IsPathRooted(options.DataDirectory)
            ? options.DataDirectory
            : Path.Combine(environment.ContentRootPath, options.DataDirectory));
        Directory.CreateDirectory(directory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, DatabaseFile),
            Cache = SqliteCacheMode.Shared,
            DefaultTimeout = 30,
        }.ToString();
    }
}
