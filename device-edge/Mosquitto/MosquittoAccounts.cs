using System.Data.Common;
using System.Globalization;
using System.Text;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.ExternalBroker;
using Facade.DeviceEdge.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Mosquitto;

/// <summary>
/// Keeps mosquitto's password and ACL files (<see cref="MosquittoAccountFiles"/>) in line with the registry, in
/// External mode with <see cref="MosquittoOptions.AccountsDirectory"/> set. The registry is the only source: every sync
/// renders both files from it in full, so a missed change, a crash or a hand edit is repaired by the next one. Each file
/// is replaced atomically (written beside it, then renamed over it), mosquitto never reads half a file; after a change
/// mosquitto is told to reload (SIGHUP to <see cref="MosquittoOptions.PidFile"/>), which also disconnects clients whose
/// credentials are gone. Concurrent requests share one write: a sync returns once a write that began after it was
/// requested has finished.
/// </summary>
internal sealed partial class MosquittoAccounts(
    IDbContextFactory<DeviceEdgeDbContext> contexts,
    IOptions<MqttOptions> mqtt,
    IOptions<ExternalBrokerOptions> external,
    IOptions<MosquittoOptions> options,
    IHostEnvironment environment,
    ILogger<MosquittoAccounts> logger) : IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _requested;
    private long _completed;
    private bool _reloadPending;
    private readonly Dictionary<string, string> _accountHashes = new(StringComparer.Ordinal);

    public bool Enabled => mqtt.Value.Mode == BrokerMode.External && !string.IsNullOrWhiteSpace(options.Value.AccountsDirectory);

    public string AccountsDirectory => Resolve(options.Value.AccountsDirectory!);

    /// <summary>
    /// Renders the files from the registry and replaces those that differ, then signals mosquitto if anything changed
    /// (or an earlier signal failed). Database and file errors are logged, not thrown: the next sync (at the latest after
    /// <see cref="MosquittoOptions.ResyncInterval"/>) tries again. True when the files are current.
    /// </summary>
    public async Task<bool> SyncAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return false;
        }

        var ticket = Interlocked.Increment(ref _requested);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _completed) >= ticket)
            {
                return true;
            }

            var covered = Volatile.Read(ref _requested);
            if (!await TryWriteAsync(cancellationToken))
            {
                return false;
            }

            Volatile.Write(ref _completed, covered);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<bool> TryWriteAsync(CancellationToken cancellationToken)
    {
        var directory = AccountsDirectory;
        try
        {
            List<DeviceAccount> devices;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                devices = await db.Devices.AsNoTracking().Select(d => new DeviceAccount(d.Id, d.SecretHash)).ToListAsync(cancellationToken);
            }

            var unreadable = devices.RemoveAll(d => !DeviceSecret.IsReadable(d.SecretHash));
            if (unreadable > 0)
            {
                LogUnreadableHashes(logger, unreadable);
            }

            Directory.CreateDirectory(directory);
            var passwordPath = Path.Combine(directory, MosquittoAccountFiles.PasswordFileName);
            var aclPath = Path.Combine(directory, MosquittoAccountFiles.AclFileName);
            var currentPasswords = await ReadAsync(passwordPath, cancellationToken);
            var serviceUsers = new[] { external.Value.UserName! }
                .Concat(options.Value.OtherWorkers.Where(w => w != external.Value.UserName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                .ToList();
            var serviceAccounts = serviceUsers
                .Select(user => new BrokerAccount(user, AccountHash(currentPasswords, user, external.Value.Password!)))
                .ToList();
            var subscribers = mqtt.Value.AlertSubscribers
                .Select(a => new BrokerAccount(a.Username!, AccountHash(currentPasswords, a.Username!, a.Secret!)))
                .ToList();
            var passwords = MosquittoAccountFiles.PasswordFile(serviceAccounts, devices, subscribers);
            var acl = MosquittoAccountFiles.AclFile(serviceUsers, devices.Select(d => d.DeviceId), subscribers.Select(a => a.UserName));

            // Both or neither, the ACL last: a watcher on the ACL file (README: systemd path unit) sees every change once.
            if (passwords != currentPasswords || acl != await ReadAsync(aclPath, cancellationToken))
            {
                await ReplaceAsync(passwordPath, passwords, cancellationToken);
                await ReplaceAsync(aclPath, acl, cancellationToken);
                LogWritten(logger, devices.Count, directory);
                _reloadPending = true;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or DbException or InvalidOperationException)
        {
            LogWriteFailed(logger, exception, directory);
            return false;
        }

        if (_reloadPending)
        {
            _reloadPending = !Reload();
        }

        return true;
    }

    /// <summary>
    /// The hash of an account from configuration (the service's own, alert subscribers): the one already in the file if it
    /// still matches the password (no rewrite per restart), else a new one; remembered while the password stays the same.
    /// </summary>
    private string AccountHash(string? passwordFile, string user, string password)
    {
        var key = user + "\n" + password;
        if (!_accountHashes.TryGetValue(key, out var hash))
        {
            hash = FileOrNewHash(passwordFile, user, password);
            _accountHashes[key] = hash;
        }

        return hash;
    }

    private static string FileOrNewHash(string? passwordFile, string user, string password)
    {
        var prefix = user + ":";
        var existing = passwordFile?.Split('\n').FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim();
        return existing is not null && DeviceSecret.Matches(Encoding.UTF8.GetBytes(password), existing) ? existing : DeviceSecret.Hash(password);
    }

    private bool Reload()
    {
        if (string.IsNullOrWhiteSpace(options.Value.PidFile))
        {
            LogReloadIsTheOperators(logger, AccountsDirectory);
            return true;
        }

        var pidFile = Resolve(options.Value.PidFile);
        string? text;
        try
        {
            text = File.ReadAllText(pidFile).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogReloadFailed(logger, pidFile, exception.GetType().Name);
            return false;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var processId) || processId <= 0)
        {
            LogReloadFailed(logger, pidFile, "it holds no process id");
            return false;
        }

        if (!PosixSignals.TrySend(processId, PosixSignals.Hangup, out var error))
        {
            LogReloadFailed(logger, pidFile, $"SIGHUP to process {processId} failed (errno {error})");
            return false;
        }

        LogReloaded(logger, processId);
        return true;
    }

    private static async Task<string?> ReadAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) ? await File.ReadAllTextAsync(path, Utf8, cancellationToken) : null;

    /// <summary>Writes beside the target and renames over it (atomic on one file system); owner read-write, group read.</summary>
    private static async Task ReplaceAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        }

        try
        {
            await using (var stream = new FileStream(temporary, fileOptions))
            {
                await stream.WriteAsync(Utf8.GetBytes(content), cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private string Resolve(string path) => Path.GetFullPath(path, environment.ContentRootPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote mosquitto's password and ACL files for {Count} devices to {Directory}")]
    private static partial void LogWritten(ILogger logger, int count, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signalled mosquitto (process {ProcessId}) to reload its password and ACL files")]
    private static partial void LogReloaded(ILogger logger, int processId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "mosquitto's password and ACL files in {Directory} changed; they apply once mosquitto reloads (systemctl reload mosquitto, or DeviceEdge:Mqtt:Mosquitto:PidFile)")]
    private static partial void LogReloadIsTheOperators(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not signal mosquitto through {PidFile}: {Reason}; retrying at the next sync")]
    private static partial void LogReloadFailed(ILogger logger, string pidFile, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write mosquitto's password and ACL files to {Directory}; retrying at the next sync")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} devices have a stored secret hash mosquitto cannot read (from before hashes were stored in its format); they cannot connect until their secret is rotated")]
    private static partial void LogUnreadableHashes(ILogger logger, int count);
}
