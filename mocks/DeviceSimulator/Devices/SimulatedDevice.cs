using System.Threading.Channels;
using Facade.Mocks.DeviceSimulator.Fleet;
using Facade.Mocks.DeviceSimulator.Hosting;
using Facade.Mocks.DeviceSimulator.Models;
using MQTTnet;

namespace Facade.Mocks.DeviceSimulator.Devices;

/// <summary>
/// One simulated device: an MQTT client under its own id and secret, run by three loops — the connection (connect,
/// reconnect with backoff, go offline when asked), telemetry (a reading every interval), and the inbox (commands and
/// desired shadow states, one at a time). State the loops share is guarded by <see cref="_lock"/>.
/// </summary>
internal sealed partial class SimulatedDevice
{
    private readonly DeviceCredentials _credentials;
    private readonly SimulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IDeviceModel _model;
    private readonly Random _values;
    private readonly Random _failures;
    private readonly Lock _lock = new();
    private readonly bool[] _relays;
    private readonly DeviceSettings _settings;
    private readonly Channel<MqttApplicationMessage> _inbox = Channel.CreateUnbounded<MqttApplicationMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Wakeup _connectionWanted = new();
    private readonly Wakeup _reportNow = new();
    private readonly CancellationTokenSource _stopping = new();
    private IMqttClient? _connected;
    private DateTimeOffset? _offlineUntil;
    private Task _running = Task.CompletedTask;

    public SimulatedDevice(DeviceCredentials credentials, SimulatorOptions options, DayCycle day, int seed, TimeProvider time, ILogger logger)
    {
        _credentials = credentials;
        _options = options;
        _time = time;
        _logger = logger;
        _values = new Random(seed);
        _failures = new Random(~seed);
        _model = DeviceModels.Create(credentials.Type, day, _values, time.GetUtcNow());
        _relays = [.. _model.InitialRelays];
        _settings = new DeviceSettings(options.IntervalSeconds);
    }

    public string Id => _credentials.Id;

    public void Start() =>
        _running = Task.WhenAll(Task.Run(() => SuperviseAsync(_stopping.Token)), Task.Run(() => ReportAsync(_stopping.Token)), Task.Run(() => ProcessInboxAsync(_stopping.Token)));

    /// <summary>Says goodbye (offline status, clean disconnect) and stops every loop.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _running;
        }
        catch (Exception e)
        {
            // Whatever was under way when the host stopped (an acknowledgement waiting for its PUBACK) ends here.
            LogStoppedWith(_logger, Id, e.Message);
        }

        _stopping.Dispose();
    }

    /// <summary>Disconnects (saying so) and stays away for <paramref name="duration"/>, or until <see cref="ComeOnline"/> when null.</summary>
    public void GoOffline(TimeSpan? duration)
    {
        lock (_lock)
        {
            _offlineUntil = duration is { } d ? _time.GetUtcNow() + d : DateTimeOffset.MaxValue;
        }

        LogOfflineRequested(_logger, Id, duration?.TotalSeconds);
        _connectionWanted.Set();
    }

    public void ComeOnline()
    {
        lock (_lock)
        {
            _offlineUntil = null;
        }

        _connectionWanted.Set();
    }

    public DeviceView View()
    {
        lock (_lock)
        {
            return new DeviceView(Id, _credentials.Type, _credentials.Name, _connected is not null,
                _offlineUntil is not null, _offlineUntil == DateTimeOffset.MaxValue ? null : _offlineUntil,
                _settings.IntervalSeconds, _relays.Select((on, i) => (RelayName(i), on ? 1 : 0)).ToDictionary(), _settings.Version);
        }
    }

    private IMqttClient? Connected
    {
        get
        {
            lock (_lock)
            {
                return _connected;
            }
        }
    }

    /// <summary>The metric of relay <paramref name="index"/> (0-based): relay_1 … relay_n, 0 or 1.</summary>
    private static string RelayName(int index) => $"relay_{index + 1}";
}
