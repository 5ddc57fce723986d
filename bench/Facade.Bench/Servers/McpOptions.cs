namespace Facade.Bench.Servers;

/// <summary>
/// How to run the MCP adapter for scenario 2: its built assembly, pointed at the edge (token issuer) and the benchmark
/// backend (its <c>legacy</c> backend, which <c>list_tasks</c> calls); extra arguments may follow (placeholders
/// <c>{edge}</c>, <c>{backend}</c> and <c>{url}</c> are replaced), and <c>--mcp-tool</c> may name the tool to call.
/// </summary>
internal sealed class McpOptions(IReadOnlyList<string> extraArgs, string? tool)
{
    private static readonly string[] DefaultArgs =
    [
        "--Adapter:Issuer={edge}", "--Adapter:Backends:legacy={backend}",
        $"--Adapter:Revocations:ClientId={EdgeServer.AdapterClientId}",
    ];

    public string? Tool { get; } = tool;

    public bool Available(BenchContext context) => File.Exists(context.Dll("mcp-adapter", "Facade.McpAdapter"));

    /// <summary>Starts the adapter; when it does not come up, the reason instead (scenario 2 then reports n/a).</summary>
    /// <remarks>
    /// With <paramref name="agents"/> (the device edge), the adapter serves <see cref="BenchCatalog"/> with its
    /// channel calls going there; without, the shipped catalog.
    /// </remarks>
    public async Task<(ServerProcess? Adapter, string? Failure)> StartAsync(BenchContext context, Uri url, EdgeServer edge, ServerProcess backend,
        DeviceEdgeServer? agents)
    {
        string[] catalog = agents is null
            ? []
            : [$"--Adapter:Catalog:Path={await BenchCatalog.WriteAsync(context)}", $"--Adapter:Backends:agents={agents.Process.BaseUrl.AbsoluteUri}"];
        string Fill(string arg) => arg.Replace("{edge}", edge.PublicUrl, StringComparison.Ordinal)
            .Replace("{backend}", backend.BaseUrl.AbsoluteUri, StringComparison.Ordinal)
            .Replace("{url}", url.AbsoluteUri, StringComparison.Ordinal);

        var server = ServerProcess.Start("mcp-adapter", url, "dotnet",
            [context.Dll("mcp-adapter", "Facade.McpAdapter"), "--urls", Peers.Origin(url), .. DefaultArgs.Concat(catalog).Concat(extraArgs).Select(Fill)],
            Path.Combine(context.Root, "mcp-adapter"), context.Logs,
            EdgeServer.WithSecret(BenchContext.DotnetEnvironment(), "Adapter__Revocations__ClientSecret", edge.AdapterClientSecret));
        try
        {
            return (await server.ReadyAsync("healthz", TimeSpan.FromSeconds(60)), null);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
        {
            var firstLine = exception.Message.Split('\n')[0];
            return (null, $"the adapter did not start ({firstLine}; see {server.LogPath} with --keep)");
        }
    }
}
