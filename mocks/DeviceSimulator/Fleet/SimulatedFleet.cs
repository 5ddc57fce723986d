using Facade.Mocks.DeviceSimulator.Devices;
using Facade.Mocks.DeviceSimulator.Hosting;
using Facade.Mocks.DeviceSimulator.Models;
using Microsoft.Extensions.Options;

namespace Facade.Mocks.DeviceSimulator.Fleet;

/// <summary>
/// Every device of the credentials file, started with the host and stopped with it (each says offline and
/// disconnects cleanly). A credentials file that cannot be read stops the simulator at start, saying why.
/// </summary>
internal sealed partial class SimulatedFleet(
    IOptions<SimulatorOptions> options,
    IHostEnvironment environment,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<SimulatedFleet> logger) : IHostedService
{
    private readonly Lock _lifecycle = new();
    private IReadOnlyList<SimulatedDevice> _devices = [];
    private Task? _stopped;

    public IReadOnlyList<SimulatedDevice> Devices => _devices;

    public SimulatedDevice? Find(string id) => _devices.FirstOrDefault(d => d.Id == id);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var path = settings.CredentialsFile == CredentialsFile.StandardInput
            ? CredentialsFile.StandardInput
            : Path.GetFullPath(settings.CredentialsFile, environment.ContentRootPath);
        var credentials = await CredentialsFile.ReadAsync(path, Console.In, cancellationToken);
        var seed = settings.Seed ?? Random.Shared.Next();
        var day = new DayCycle(settings.DayLength);
        var deviceLogger = loggers.CreateLogger<SimulatedDevice>();
        _devices = credentials.Select(c => new SimulatedDevice(c, settings, day, seed ^ StableHash(c.Id), time, deviceLogger)).ToList();
        foreach (var device in _devices)
        {
            device.Start();
        }

        LogStarted(logger, _devices.Count, settings.BrokerHost, settings.BrokerPort);
    }

    /// <summary>
    /// Stops once, however often it is called: the host stops its services both when asked to and when its run loop
    /// ends, sometimes at the same time.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            return _stopped ??= Task.WhenAll(_devices.Select(d => d.StopAsync()));
        }
    }

    /// <summary>The same for an id in every run (string.GetHashCode is not), so a seed gives the same values again.</summary>
    private static int StableHash(string id)
    {
        var hash = 17;
        foreach (var c in id)
        {
            hash = unchecked(hash * 31 + c);
        }

        return hash;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulating {Count} devices against the MQTT broker at {Host}:{Port}")]
    private static partial void LogStarted(ILogger logger, int count, string host, int port);
}
