using Facade.Proxy.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Data;

/// <summary>Resolves the data folder (SQLite file, development keys) against the content root.</summary>
public sealed class DataPaths(IOptions<FacadeOptions> options, IHostEnvironment environment)
{
    public string Directory { get; } = Resolve(options.Value, environment);

    public string File(string name) => Path.Combine(Directory, name);

    public static string ConnectionString(FacadeOptions options, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return options.ConnectionString;
        }

        var directory = Resolve(options, environment);
        System.IO.Directory.CreateDirectory(directory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, "facade.db"),
            Cache = SqliteCacheMode.Shared,
            DefaultTimeout = 30,
        }.ToString();
    }

    private static string Resolve(FacadeOptions options, IHostEnvironment environment) =>
        Path.GetFullPath(Path.IsPathRooted(options.DataDirectory)
            ? options.DataDirectory
            : Path.Combine(environment.ContentRootPath, options.DataDirectory));
}
