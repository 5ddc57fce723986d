namespace Microsoft.Extensions.Hosting;

/// <summary>The whole service, in the order it must be composed; Program.cs and the start-up validation tests both use it.</summary>
internal static class DeviceEdgeComposition
{
    /// <summary>
    /// Every feature. Order matters: hosted services start in registration order, so data (migrations) comes before the
    /// broker, and the features that observe the broker register before it.
    /// </summary>
    public static IHostApplicationBuilder AddDeviceEdge(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddDeviceEdgeHosting();
        builder.AddDeviceEdgeData();
        builder.AddDeviceEdgeAuth();
        builder.AddDeviceRegistry();
        builder.AddDeviceStatus();
        builder.AddDeviceTelemetry();
        builder.AddDeviceCommands();
        builder.AddDeviceShadows();
        builder.AddAgents();
        builder.AddDeviceBroker();
        builder.AddDeviceAlerts();
        builder.AddDeviceRealtime();
        return builder;
    }
}
