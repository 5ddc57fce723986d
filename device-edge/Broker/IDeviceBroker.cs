namespace Facade.DeviceEdge.Broker;

/// <summary>A broker the service can use for devices: the embedded one, or an external one it is a client of.</summary>
internal interface IDeviceBroker : IHostedService, IDeviceChannel, IAlertChannel
{
    /// <summary>Devices' messages flow: the embedded broker listens, or the service is connected and subscribed.</summary>
    bool IsReady { get; }

    /// <summary>What the health check says while not ready (no secrets, no addresses beyond the configured one).</summary>
    string NotReadyReason { get; }
}
