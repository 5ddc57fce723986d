namespace Facade.DeviceEdge.Broker;

/// <summary>Client-chosen text (user names, topics) shortened and stripped of control characters before it is logged.</summary>
internal static class LogSafe
{
    private const int MaxLength = 200;

    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "(none)";
        }

        var shown = value.Length > MaxLength ? value[..MaxLength] + "…" : value;
        return string.Create(shown.Length, shown, (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        });
    }
}
