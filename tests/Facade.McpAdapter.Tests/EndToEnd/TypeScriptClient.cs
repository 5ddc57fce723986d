using System.Diagnostics;
using System.Text.Json;
using Facade.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Facade.McpAdapter.Tests.EndToEnd;

/// <summary>
/// The official MCP TypeScript SDK v2 client (<c>tests/clients/ts/facade-client.mjs</c>) as a real child process:
/// <c>node</c> runs one scenario against the edge and reports it as JSON lines on stdout. When the script "opens the
/// browser" (an <c>authorize</c> line), <see cref="OAuthTestClient"/> plays the user through login and consent and
/// delivers the redirect to the script's own loopback listener, as a browser would.
/// </summary>
internal static class TypeScriptClient
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(120);

    /// <summary><c>tests/clients/ts</c> in this repository (npm ci there; ./run.sh test does it).</summary>
    public static string Folder { get; } = Path.Combine(RepositoryRoot(), "tests", "clients", "ts");

    /// <summary>
    /// Runs the script against <paramref name="mcpUrl"/>. <paramref name="firstScope"/> makes it sign in for those
    /// scopes before its first request; <paramref name="protocol"/> is <c>2026-07-28</c> (pinned) or <c>legacy</c>.
    /// Returns its events; a non-zero exit, a timeout or a failed sign-in throws with the script's stderr.
    /// </summary>
    public static async Task<TypeScriptClientRun> RunAsync(Uri edge, Uri mcpUrl, string title, string? firstScope = null, string protocol = "2026-07-28", CancellationToken cancellationToken = default)
    {
        var script = Path.Combine(Folder, "facade-client.mjs");
        if (!File.Exists(Path.Combine(Folder, "node_modules", "@modelcontextprotocol", "client", "package.json")))
        {
            throw new InvalidOperationException($"The TypeScript SDK client is not installed: run `npm ci` in {Folder} (./run.sh test does it; it needs Node.js 20 or later).");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, "--url", mcpUrl.AbsoluteUri, "--protocol", protocol, "--title", title })
        {
            start.ArgumentList.Add(argument);
        }

        if (firstScope is not null)
        {
            start.ArgumentList.Add("--first-scope");
            start.ArgumentList.Add(firstScope);
        }

        using var process = StartNode(start);
        var stderr = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.Add(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        process.StandardInput.Close();

        using var browser = new OAuthTestClient(edge);
        var events = new List<JsonElement>();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(RunLimit);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                var item = JsonDocument.Parse(line).RootElement.Clone();
                events.Add(item);
                if (item.GetProperty("event").GetString() == "authorize")
                {
                    await SignInAsync(browser, item.GetProperty("url").GetString()!, limit.Token);
                }
            }

            await process.WaitForExitAsync(limit.Token);
            process.WaitForExit(); // drains the stderr reader
        }
        catch (Exception error) when (error is OperationCanceledException or InvalidOperationException or JsonException or HttpRequestException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(Describe("did not finish", events, stderr, browser), error);
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(Describe($"exited with {process.ExitCode}", events, stderr, browser));
        }

        return new TypeScriptClientRun(events, browser.VisitedPages.ToList());
    }

    /// <summary>The user's part: login and consent in the browser, then the redirect to the client's loopback listener.</summary>
    private static async Task SignInAsync(OAuthTestClient browser, string authorizeUrl, CancellationToken cancellationToken)
    {
        var redirectUri = QueryHelpers.ParseQuery(new Uri(authorizeUrl).Query)["redirect_uri"].ToString();
        var query = await browser.FollowAuthorizeAsync(authorizeUrl, redirectUri, cancellationToken)
            ?? throw new InvalidOperationException($"The edge did not redirect back to the client: {browser.LastResponse}");
        using var loopback = new HttpClient();
        using var delivered = await loopback.GetAsync(QueryHelpers.AddQueryString(redirectUri, query.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))), cancellationToken);
        delivered.EnsureSuccessStatusCode();
    }

    private static Process StartNode(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException("Node.js 20 or later must be on the PATH for the TypeScript SDK client (./run.sh test installs it).", error);
        }
    }

    private static string Describe(string what, List<JsonElement> events, List<string> stderr, OAuthTestClient browser)
    {
        lock (stderr)
        {
            return $"The TypeScript SDK client {what}.\nEvents:\n{string.Join('\n', events.Select(e => e.GetRawText()))}\n"
                + $"Pages: {string.Join(' ', browser.VisitedPages)}\nstderr:\n{string.Join('\n', stderr)}";
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Facade.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Facade.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>What the TypeScript client reported, event by event, and the pages its user's browser went through.</summary>
internal sealed record TypeScriptClientRun(IReadOnlyList<JsonElement> Events, IReadOnlyList<string> VisitedPages)
{
    public JsonElement Single(string name) => Assert.Single(Events, e => e.GetProperty("event").GetString() == name);

    public int Count(string name) => Events.Count(e => e.GetProperty("event").GetString() == name);
}
