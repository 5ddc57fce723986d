using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Realtime;

/// <summary>
/// Reads the device edge's event feed (<c>GET /realtime/feed</c>, NDJSON) and hands each event to the hub, encoded once
/// as the protocol's <c>event</c> message of its channel. Reconnects with a growing pause (0.5 s doubling to 30 s, reset
/// once connected) whenever the stream ends, fails or stays silent for three heartbeats. While it is down,
/// subscribing still works (access is checked over REST) but no events flow; they are not replayed (at-most-once).
/// With several device-edge workers it follows each one's feed (<see cref="RealtimeOptions.DeviceEdgeFeeds"/>).
/// </summary>
internal sealed partial class DeviceEdgeFeed(
    DeviceEdgeClient deviceEdge,
    RealtimeServiceToken serviceToken,
    RealtimeHub hub,
    TimeProvider time,
    IOptions<RealtimeOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<DeviceEdgeFeed> logger) : BackgroundService
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    /// <summary>The device edge sends a heartbeat every 10 s; three missed mean the stream is dead.</summary>
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(30);

    private const int MaxLineBytes = 1024 * 1024;

    private int _connectedFeeds;
    private long _connections;

    /// <summary>Every worker's feed is open.</summary>
    public bool Connected => Volatile.Read(ref _connectedFeeds) == options.Value.DeviceEdgeFeeds.Count && _connectedFeeds > 0;

    /// <summary>How many times the feed was (re)opened.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!deviceEdge.Configured)
        {
            LogNotConfigured(logger);
            return;
        }

        // The service token's issuer is the edge's own address, known once Kestrel listens.
        try
        {
            await Task.Delay(Timeout.Infinite, lifetime.ApplicationStarted).WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await Task.WhenAll(options.Value.DeviceEdgeFeeds.Select(feed => FollowAsync(feed, stoppingToken)));
    }

    private async Task FollowAsync(Uri feed, CancellationToken stoppingToken)
    {
        var pause = FirstPause;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var connected = false;
            try
            {
                if (await ReadOnceAsync(feed, () => connected = true, stoppingToken))
                {
                    pause = FirstPause;
                    failures = 0;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Said once per outage (and then every tenth attempt), not at every retry of a device edge that is down.
                if (failures++ % 10 == 0)
                {
                    LogFeedFailed(logger, feed.Authority, exception.GetType().Name, exception.Message);
                }
            }
            finally
            {
                if (connected)
                {
                    Interlocked.Decrement(ref _connectedFeeds);
                }
            }

            try
            {
                await Task.Delay(pause, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            pause = pause * 2 > LongestPause ? LongestPause : pause * 2;
        }
    }

    /// <summary>One connection to the feed, until it ends; true when it was open (so the next pause starts short).</summary>
    private async Task<bool> ReadOnceAsync(Uri feed, Action opened, CancellationToken stoppingToken)
    {
        var token = await serviceToken.GetAsync(stoppingToken);
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        silence.CancelAfter(Silence);
        using var response = await deviceEdge.OpenFeedAsync(feed, token, silence.Token);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            serviceToken.Invalidate();
        }

        if (!response.IsSuccessStatusCode)
        {
            LogRefused(logger, feed.Authority, (int)response.StatusCode);
            return false;
        }

        opened();
        Interlocked.Increment(ref _connectedFeeds);
        Interlocked.Increment(ref _connections);
        LogConnected(logger, feed.Authority);
        var reader = PipeReader.Create(await response.Content.ReadAsStreamAsync(silence.Token));
        try
        {
            while (true)
            {
                ReadResult read;
                try
                {
                    read = await reader.ReadAsync(silence.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    LogSilent(logger, feed.Authority);
                    return true;
                }

                silence.CancelAfter(Silence);
                var buffer = read.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    Dispatch(line);
                }

                if (buffer.Length > MaxLineBytes)
                {
                    throw new InvalidDataException("A feed line is longer than 1 MB.");
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    return true;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var end = buffer.PositionOf((byte)'\n');
        if (end is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, end.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        return true;
    }

    private void Dispatch(ReadOnlySequence<byte> line)
    {
        if (line.IsEmpty)
        {
            return;
        }

        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var kind = root.TryGetProperty("kind", out var k) ? k.GetString() : null;
            if (kind is null or "heartbeat")
            {
                return;
            }

            var route = RealtimeChannel.RouteOf(kind, StringOf(root, "device"), StringOf(root, "subject"));
            if (route is null || !hub.HasSubscribers(route) || !root.TryGetProperty("data", out var data))
            {
                return;
            }

            hub.Publish(route, RealtimeMessages.Event(RealtimeChannel.NameOf(route), data, StringOf(root, "time")));
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            LogBadLine(logger, exception.GetType().Name);
        }
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Realtime: no device edge is configured (Facade:Realtime:DeviceEdgeUrl or the device-edge cluster); subscriptions answer 'unavailable'")]
    private static partial void LogNotConfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Realtime: connected to the event feed of the device edge at {Worker}")]
    private static partial void LogConnected(ILogger logger, string worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Realtime: the device edge at {Worker} refused the event feed ({Status}); retrying")]
    private static partial void LogRefused(ILogger logger, string worker, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Realtime: the event feed of the device edge at {Worker} was silent too long; reconnecting")]
    private static partial void LogSilent(ILogger logger, string worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Realtime: the event feed of the device edge at {Worker} failed ({Error}: {Message}); reconnecting")]
    private static partial void LogFeedFailed(ILogger logger, string worker, string error, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Realtime: skipped a feed line that could not be read ({Error})")]
    private static partial void LogBadLine(ILogger logger, string error);
}

/// <summary><c>/healthz</c> entry: healthy when the feed is connected (or no device edge is configured), degraded while it reconnects.</summary>
internal sealed class DeviceEdgeFeedHealthCheck(DeviceEdgeFeed feed, DeviceEdgeClient deviceEdge) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!deviceEdge.Configured ? HealthCheckResult.Healthy("No device edge configured: realtime answers 'unavailable'.")
            : feed.Connected ? HealthCheckResult.Healthy("Connected to the device edge's event feed.")
            : HealthCheckResult.Degraded("Reconnecting to the device edge's event feed: realtime events are paused."));
}
