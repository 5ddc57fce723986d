using Facade.Proxy.Edge;

namespace Facade.Proxy.Realtime;

/// <summary>
/// The protocol of one connection, whatever carries it (WebSocket or SSE): subscribe (channel known, scope held,
/// device visible to the caller per the device edge, within the limit), unsubscribe, ping; the heartbeat; the close at
/// the token's expiry (4401), or for a user key's connection the renewal of the token minted from the key, closing with
/// 4403 when the key was revoked or 4401 when it expired; and the periodic re-check of the devices behind live
/// subscriptions, which ends a subscription whose device the caller no longer sees.
/// </summary>
internal sealed partial class RealtimeSession(
    RealtimeConnection connection,
    RealtimeHub hub,
    DeviceEdgeClient deviceEdge,
    EdgeTokenValidator validator,
    RealtimeOptions options,
    TimeProvider time,
    ILogger logger) : IAsyncDisposable
{
    /// <summary>A key connection renews its token this long before it expires (the key path mints a new one a minute before).</summary>
    private static readonly TimeSpan RenewKeyTokenBefore = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan RetryRenewal = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _timers = new();
    private ITimer? _heartbeat;
    private ITimer? _expiry;
    private ITimer? _recheck;
    private bool _disposed;

    public RealtimeConnection Connection => connection;

    public void Start()
    {
        var caller = connection.Caller;
        var expires = caller.KeyId is null ? caller.ExpiresAt : caller.KeyExpiresAt;
        connection.TryEnqueue(RealtimeMessages.Welcome(connection.Subject, expires, options.HeartbeatInterval));
        lock (_timers)
        {
            _heartbeat = time.CreateTimer(_ => connection.TryEnqueue(RealtimeMessages.Heartbeat), null, options.HeartbeatInterval, options.HeartbeatInterval);
            _recheck = time.CreateTimer(_ => _ = RecheckAccessAsync(), null, options.AccessRecheckInterval, options.AccessRecheckInterval);
        }

        ScheduleExpiry(caller.KeyId is null ? caller.ExpiresAt : caller.ExpiresAt - RenewKeyTokenBefore);
    }

    /// <summary>One client message (UTF-8 JSON text).</summary>
    public async Task HandleAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        var message = ClientMessage.Parse(utf8.Span);
        switch (message)
        {
            case null:
                connection.TryEnqueue(RealtimeMessages.Error(null, null, "invalid_request",
                    "A message is one JSON object with a string 'type' (and string 'id' and 'channel' when given)."));
                break;
            case { Type: "subscribe" }:
                await SubscribeAsync(message.Id, message.Channel, cancellationToken);
                break;
            case { Type: "unsubscribe" }:
                Unsubscribe(message.Id, message.Channel);
                break;
            case { Type: "ping" }:
                connection.TryEnqueue(RealtimeMessages.Pong(message.Id));
                break;
            default:
                connection.TryEnqueue(RealtimeMessages.Error(message.Id, message.Channel, "invalid_request",
                    "Unknown message type: use subscribe, unsubscribe or ping."));
                break;
        }
    }

    public async Task SubscribeAsync(string? id, string? name, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Refusal(id, name, out var channel) is { } refused)
            {
                connection.TryEnqueue(refused);
                return;
            }

            if (connection.Subscriptions.ContainsKey(channel.Name))
            {
                connection.TryEnqueue(RealtimeMessages.Subscribed(id, channel.Name));
                return;
            }

            var access = !deviceEdge.Configured ? DeviceAccess.Unavailable
                : channel.DeviceId is { } device ? await deviceEdge.CheckAccessAsync(device, connection.AccessToken, cancellationToken)
                : DeviceAccess.Granted;
            switch (access)
            {
                case DeviceAccess.NotFound:
                    connection.TryEnqueue(RealtimeMessages.Error(id, channel.Name, "not_found", "No device with this id."));
                    return;
                case DeviceAccess.Unavailable:
                    connection.TryEnqueue(RealtimeMessages.Error(id, channel.Name, "unavailable",
                        "The device service cannot be reached right now; subscribe again shortly."));
                    return;
            }

            // Acknowledged before it is indexed, so no event of the channel can overtake the acknowledgement.
            if (connection.TryEnqueue(RealtimeMessages.Subscribed(id, channel.Name)))
            {
                hub.Subscribe(connection, channel);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private OutboundMessage? Refusal(string? id, string? name, out RealtimeChannel channel)
    {
        channel = null!;
        if (string.IsNullOrEmpty(name))
        {
            return RealtimeMessages.Error(id, null, "invalid_request", "'channel' is required.");
        }

        if (!RealtimeChannel.TryParse(name, connection.Subject, out channel))
        {
            return RealtimeMessages.Error(id, name, "unknown_channel",
                "Channels: devices/{id}/telemetry, devices/{id}/status, devices/{id}/commands, alerts.");
        }

        if (!connection.Caller.HasAll([channel.Scope]))
        {
            return RealtimeMessages.Error(id, name, "insufficient_scope", $"This channel needs the scope '{channel.Scope}'.", channel.Scope);
        }

        return !connection.Subscriptions.ContainsKey(channel.Name) && connection.Subscriptions.Count >= options.MaxSubscriptionsPerConnection
            ? RealtimeMessages.Error(id, name, "too_many_subscriptions", $"A connection may hold at most {options.MaxSubscriptionsPerConnection} subscriptions.")
            : null;
    }

    private void Unsubscribe(string? id, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            connection.TryEnqueue(RealtimeMessages.Error(id, null, "invalid_request", "'channel' is required."));
            return;
        }

        hub.Unsubscribe(connection, name);
        connection.TryEnqueue(RealtimeMessages.Unsubscribed(id, name));
    }

    /// <summary>Ends the subscriptions whose device the caller no longer sees (a share was withdrawn, the device deleted).</summary>
    private async Task RecheckAccessAsync()
    {
        if (!await _gate.WaitAsync(0))
        {
            return; // a subscription or the previous check is under way
        }

        try
        {
            foreach (var channel in connection.Subscriptions.Values.Where(c => c.DeviceId is not null).ToList())
            {
                if (connection.IsClosing)
                {
                    return;
                }

                if (await deviceEdge.CheckAccessAsync(channel.DeviceId!, connection.AccessToken, CancellationToken.None) is DeviceAccess.NotFound
                    && hub.Unsubscribe(connection, channel.Name))
                {
                    connection.TryEnqueue(RealtimeMessages.Error(null, channel.Name, "not_found",
                        "The device is no longer visible to you; the subscription ended."));
                }
            }
        }
        catch (Exception exception)
        {
            LogRecheckFailed(logger, connection.Id, exception.GetType().Name);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void ScheduleExpiry(DateTimeOffset? due)
    {
        if (due is not { } at)
        {
            return;
        }

        var delay = at - time.GetUtcNow();
        lock (_timers)
        {
            if (_disposed)
            {
                return;
            }

            _expiry?.Dispose();
            _expiry = time.CreateTimer(_ => _ = OnExpiryAsync(), null, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnExpiryAsync()
    {
        var caller = connection.Caller;
        if (caller.KeyId is null)
        {
            connection.Close(CloseReason.TokenExpired);
            return;
        }

        var now = time.GetUtcNow();
        var expired = caller.ExpiresAt is { } expires && now >= expires - TimeSpan.FromSeconds(1);
        try
        {
            var renewed = await validator.AuthenticateTokenAsync(connection.Credential.AsMemory(), CancellationToken.None);
            switch (renewed.Status)
            {
                case EdgeAuthStatus.Valid when renewed.Caller!.ExpiresAt > caller.ExpiresAt:
                    hub.Replace(connection, renewed.Caller);
                    ScheduleExpiry(renewed.Caller.ExpiresAt - RenewKeyTokenBefore);
                    return;
                case EdgeAuthStatus.Valid when expired:
                    connection.Close(CloseReason.TokenExpired);
                    return;
                case EdgeAuthStatus.Valid:
                    ScheduleExpiry(caller.ExpiresAt); // the key itself ends with this token: close when it does
                    return;
                case EdgeAuthStatus.Invalid:
                    connection.Close(caller.KeyExpiresAt is { } keyExpires && keyExpires <= now ? CloseReason.TokenExpired : CloseReason.TokenRevoked);
                    return;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRenewalFailed(logger, connection.Id, exception.GetType().Name);
        }

        // The ledger could not be read: keep trying until the token runs out, then fail closed.
        if (expired)
        {
            connection.Close(CloseReason.TokenExpired);
        }
        else
        {
            ScheduleExpiry(now + RetryRenewal);
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_timers)
        {
            _disposed = true;
            _heartbeat?.Dispose();
            _expiry?.Dispose();
            _recheck?.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Realtime connection {ConnectionId}: re-checking device access failed ({Error})")]
    private static partial void LogRecheckFailed(ILogger logger, long connectionId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Realtime connection {ConnectionId}: renewing the key's token failed ({Error})")]
    private static partial void LogRenewalFailed(ILogger logger, long connectionId, string error);
}
