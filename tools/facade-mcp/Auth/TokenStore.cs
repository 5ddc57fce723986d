using System.Text.Json;
using Facade.Mcp.Bridge.Cli;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// The token cache file (default <c>~/.config/facade-mcp/tokens.json</c>, <c>%APPDATA%\facade-mcp\tokens.json</c> on
/// Windows): owner-only (0600, folder 0700), replaced atomically, re-read when another bridge process changed it (so a
/// refresh token rotated elsewhere is not replayed here), read-merge-write under a lock file.
/// </summary>
internal sealed class TokenStore(string path)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private TokenCacheDocument _document = new();
    private (DateTime WrittenAt, long Length)? _loadedVersion;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public static string DefaultPath()
    {
        var config = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
        if (string.IsNullOrEmpty(config))
        {
            config = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        }

        return System.IO.Path.Combine(config, "facade-mcp", "tokens.json");
    }

    /// <summary>The cache key of an MCP URL: scheme, host, port and path, without query, fragment or trailing slash.</summary>
    public static string KeyFor(Uri mcpUrl) => mcpUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');

    public CachedServer? Get(string key)
    {
        lock (_gate)
        {
            ReloadIfChanged();
            return _document.Servers.GetValueOrDefault(key);
        }
    }

    public void Put(string key, CachedServer entry) => Update(document =>
    {
        document.Servers[key] = entry;
        return true;
    });

    /// <summary>Removes the entry; returns what was removed, or null.</summary>
    public CachedServer? Remove(string key)
    {
        CachedServer? removed = null;
        Update(document =>
        {
            if (!document.Servers.Remove(key, out var entry))
            {
                return false;
            }

            removed = entry;
            return true;
        });
        return removed;
    }

    /// <summary>Re-reads the file under the lock, applies <paramref name="change"/> and writes if it changed anything.</summary>
    private void Update(Func<TokenCacheDocument, bool> change)
    {
        lock (_gate)
        {
            if (!File.Exists(Path) && !change(new TokenCacheDocument()))
            {
                return;
            }

            EnsureDirectory();
            using var fileLock = AcquireFileLock();
            _loadedVersion = null;
            ReloadIfChanged();
            if (change(_document))
            {
                Write();
            }
        }
    }

    private void ReloadIfChanged()
    {
        var info = new FileInfo(Path);
        if (!info.Exists)
        {
            _document = new TokenCacheDocument();
            _loadedVersion = null;
            return;
        }

        var version = (info.LastWriteTimeUtc, info.Length);
        if (_loadedVersion == version)
        {
            return;
        }

        try
        {
            TightenPermissions();
            using var stream = File.OpenRead(Path);
            _document = JsonSerializer.Deserialize(stream, TokenCacheJson.Default.TokenCacheDocument) ?? new TokenCacheDocument();
            _document.Servers = new Dictionary<string, CachedServer>(_document.Servers ?? [], StringComparer.Ordinal);
        }
        catch (JsonException exception)
        {
            Stderr.Info($"ignoring the unreadable token cache {Path} ({exception.Message}); it is rewritten on the next sign-in.");
            _document = new TokenCacheDocument();
        }

        _loadedVersion = version;
    }

    private void Write()
    {
        var temporary = $"{Path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, _document, TokenCacheJson.Default.TokenCacheDocument);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        var info = new FileInfo(Path);
        _loadedVersion = (info.LastWriteTimeUtc, info.Length);
    }

    private void EnsureDirectory()
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private void TightenPermissions()
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(Path) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(Path, OwnerOnly);
        }
    }

    /// <summary>Serializes read-merge-write across bridge processes sharing the file; gives up (and writes anyway) after a few seconds.</summary>
    private FileStream? AcquireFileLock()
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", options);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(25);
            }
            catch (IOException exception)
            {
                Stderr.Debug($"token cache lock not acquired ({exception.Message}); writing without it.");
                return null;
            }
        }
    }
}
