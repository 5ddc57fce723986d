namespace Facade.Mcp.Bridge.Cli;

/// <summary>
/// Messages for people. stdout carries MCP JSON-RPC and nothing else, so every human-readable line goes to stderr
/// (MCP hosts show it in their server log). Never pass a token to these methods.
/// </summary>
internal static class Stderr
{
    private static readonly Lock Gate = new();

    public static bool Verbose { get; set; }

    public static void Info(string message) => Write(message);

    public static void Debug(string message)
    {
        if (Verbose)
        {
            Write(message);
        }
    }

    public static void Error(string message) => Write("error: " + message);

    /// <summary>A URL on a line of its own (indented, no prefix) so it can be copied, or picked up by a wrapper.</summary>
    public static void Url(Uri url)
    {
        lock (Gate)
        {
            Console.Error.WriteLine("  " + url.AbsoluteUri);
        }
    }

    private static void Write(string message)
    {
        lock (Gate)
        {
            Console.Error.WriteLine("facade-mcp: " + message);
        }
    }
}
