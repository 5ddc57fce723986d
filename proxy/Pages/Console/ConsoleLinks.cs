namespace Facade.Proxy.Pages.Console;

/// <summary>The console's pages, in the order its navigation lists them.</summary>
internal static class ConsoleLinks
{
    public static IReadOnlyList<(string Path, string Title, string Summary)> All { get; } =
    [
        ("/console", "Overview", "Where everything is."),
        ("/console/tokens", "Tokens", "The access tokens issued to you, by client; revoke any of them."),
        ("/console/keys", "API keys", "Keys for scripts and CI that act as you: create one (shown once) or revoke it."),
        ("/console/consents", "Connected apps", "The apps you allowed to use your account; withdraw their access."),
        ("/console/devices", "Devices", "Your devices with their telemetry, live."),
        ("/console/tools", "Tool console", "The MCP tools you may call: fill in a form and call one."),
        ("/console/snippets", "Set-up", "Connect Claude Desktop, Claude Code, Cursor, VS Code or the stdio bridge to this edge."),
    ];
}
