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
            // A private cache per connection: with a shared one SQLite locks whole tables, so a reader waits for an
            // uncommitted write (and the library retries it after a 150 ms sleep); in WAL mode readers never wait.
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 30,
        }.ToString();
    }

    private static string Resolve(FacadeOptions options, IHostEnvironment environment) =>
        Path.GetFullPath(Path.IsPathRooted(options.DataDirectory)
            ? options.DataDirectory
            : Path.Combine(environment.ContentRootPath, options.DataDirectory));
}
