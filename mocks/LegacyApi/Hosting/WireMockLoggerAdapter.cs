using System.Globalization;
using Microsoft.Extensions.Logging;
using WireMock.Admin.Requests;
using WireMock.Logging;

namespace Facade.Mocks.LegacyApi.Hosting;

/// <summary>
/// Forwards WireMock's own diagnostics to <see cref="ILogger"/>. Per-request dumps are dropped on purpose:
/// they contain every request header, including Authorization.
/// </summary>
internal sealed partial class WireMockLoggerAdapter(ILogger logger) : IWireMockLogger
{
    public void Debug(string formatString, params object[] args) => LogDebug(logger, Format(formatString, args));

    public void Info(string formatString, params object[] args) => LogDebug(logger, Format(formatString, args));

    public void Warn(string formatString, params object[] args) => LogWarning(logger, Format(formatString, args));

    public void Error(string formatString, params object[] args) => LogError(logger, null, Format(formatString, args));

    public void Error(string message, Exception exception) => LogError(logger, exception, message);

    public void DebugRequestResponse(LogEntryModel logEntryModel, bool isAdminRequest)
    {
    }

    // WireMock passes pre-interpolated text without args; it may contain braces.
    private static string Format(string formatString, object[] args) =>
        args.Length == 0 ? formatString : string.Format(CultureInfo.InvariantCulture, formatString, args);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WireMock: {Message}")]
    private static partial void LogDebug(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WireMock: {Message}")]
    private static partial void LogWarning(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "WireMock: {Message}")]
    private static partial void LogError(ILogger logger, Exception? exception, string message);
}
