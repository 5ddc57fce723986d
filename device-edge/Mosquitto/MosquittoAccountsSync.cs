using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Mosquitto;

/// <summary>
/// Writes mosquitto's files at start (before the service connects to the broker, whose password file must hold the
/// service's own account) and compares them with the registry every <see cref="MosquittoOptions.ResyncInterval"/>.
/// Registry changes are written at once by <see cref="DeviceAccountChanges"/>; this repairs what that could not do.
/// </summary>
internal sealed class MosquittoAccountsSync(MosquittoAccounts accounts, IOptions<MosquittoOptions> options, TimeProvider time)
    : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lifecycle = new();
    private Task? _loop;
    private Task? _stopped;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!accounts.Enabled)
        {
            return;
        }

        await accounts.SyncAsync(cancellationToken);
        _loop = RunAsync(_stopping.Token);
    }

    /// <summary>Stops once, however often it is called (the host stops services, then disposes them).</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            return _stopped ??= StopOnceAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    private async Task StopOnceAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.Value.ResyncInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await accounts.SyncAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
