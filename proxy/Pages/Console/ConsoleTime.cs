namespace Facade.Proxy.Pages.Console;

/// <summary>Times as the console shows them: UTC to the minute, "—" for none.</summary>
internal static class ConsoleTime
{
    public static string Show(DateTimeOffset? time) =>
        time is { } value ? value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "—";
}
