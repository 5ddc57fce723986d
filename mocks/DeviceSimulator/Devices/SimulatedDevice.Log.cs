namespace Facade.Mocks.DeviceSimulator.Devices;

internal sealed partial class SimulatedDevice
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{DeviceId} connected")]
    private static partial void LogConnected(ILogger logger, string deviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{DeviceId} said offline and disconnected")]
    private static partial void LogDisconnected(ILogger logger, string deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{DeviceId} lost its connection; reconnecting in about {Seconds} s")]
    private static partial void LogConnectionLost(ILogger logger, string deviceId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{DeviceId} cannot reach the broker at {Host}:{Port}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string deviceId, string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{DeviceId} was refused by the broker ({ReasonCode}); is it provisioned with this secret? (./run.sh provisions the simulator's devices)")]
    private static partial void LogRefused(ILogger logger, string deviceId, string reasonCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{DeviceId}: subscription to {TopicFilter} refused ({ResultCode})")]
    private static partial void LogSubscriptionRefused(ILogger logger, string deviceId, string topicFilter, string resultCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "{DeviceId} goes offline (for {Seconds} s; none = until asked back)")]
    private static partial void LogOfflineRequested(ILogger logger, string deviceId, double? seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{DeviceId} stopped while working: {Reason}")]
    private static partial void LogStoppedWith(ILogger logger, string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{DeviceId} could not say goodbye: {Reason}")]
    private static partial void LogGoodbyeFailed(ILogger logger, string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{DeviceId}: telemetry not sent: {Reason}")]
    private static partial void LogTelemetryFailed(ILogger logger, string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{DeviceId}: command {CommandId} → {Action}")]
    private static partial void LogCommand(ILogger logger, string deviceId, string commandId, string action);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{DeviceId}: could not answer on {Topic}: {Reason}")]
    private static partial void LogAnswerFailed(ILogger logger, string deviceId, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{DeviceId}: not connected, nothing sent on {Topic}")]
    private static partial void LogNotConnected(ILogger logger, string deviceId, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{DeviceId}: a desired shadow that is not {{\"version\": n, \"state\": {{…}}}}; ignored")]
    private static partial void LogUnreadableDesired(ILogger logger, string deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{DeviceId}: desired version {Version} not applied for {Keys} (wrong shape); reporting its own")]
    private static partial void LogDesiredRefused(ILogger logger, string deviceId, long version, string keys);
}
