using System.Globalization;
using MQTTnet.Diagnostics.Logger;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// MQTTnet's own log lines into <see cref="ILogger"/> (category <c>MQTTnet</c>), one level lower than MQTTnet rates
/// them for Info and Verbose: its info lines come per connection and would drown the service's own.
/// </summary>
internal sealed partial class MqttNetLogBridge(ILoggerFactory loggers) : IMqttNetLogger
{
    private readonly ILogger _logger = loggers.CreateLogger("MQTTnet");

    public bool IsEnabled => _logger.IsEnabled(LogLevel.Trace) || _logger.IsEnabled(LogLevel.Warning);

    public void Publish(MqttNetLogLevel level, string source, string message, object[] parameters, Exception exception)
    {
        var mapped = level switch
        {
            MqttNetLogLevel.Error => LogLevel.Error,
            MqttNetLogLevel.Warning => LogLevel.Warning,
            MqttNetLogLevel.Info => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
        if (!_logger.IsEnabled(mapped))
        {
            return;
        }

        Log(_logger, mapped, exception, source, LogSafe.Text(Format(message, parameters)));
    }

    private static string Format(string message, object[] parameters)
    {
        if (parameters is not { Length: > 0 })
        {
            return message;
        }

        try
        {
            return string.Format(CultureInfo.InvariantCulture, message, parameters);
        }
        catch (FormatException)
        {
            return message;
        }
    }

    [LoggerMessage(Message = "{Source}: {Text}")]
    private static partial void Log(ILogger logger, LogLevel level, Exception? exception, string source, string text);
}
