namespace Facade.Bench.Servers;

/// <summary>
/// <c>mocks/AgentResponder</c> answering agent <see cref="BenchCatalog.AgentId"/> over the device edge's embedded
/// broker (MQTT, the agent key as password), at once (<c>--delay-ms 0</c>). The key comes from the edge's admin
/// command and reaches the responder only through <c>AGENT_KEY</c>. Its per-call log line is turned down to
/// warnings: the benchmark measures the path to the agent, not a mock writing a log file.
/// </summary>
internal static class AgentResponderServer
{
    public static bool Available(BenchContext context) => File.Exists(Dll(context));

    public static async Task<ServerProcess> StartAsync(BenchContext context, DeviceEdgeServer devices, string agentKey)
    {
        var healthPort = Ports.Free();
        var url = Ports.Loopback(healthPort);
        var process = ServerProcess.Start("agent-responder", url, "dotnet",
        [
            Dll(context), "--environment=Production",
            "--agent", BenchCatalog.AgentId, "--transport", "mqtt", "--mqtt-host", "127.0.0.1", "--mqtt-port", devices.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--delay-ms", "0", "--health-port", healthPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default=Warning",
        ], Path.Combine(context.Root, "mocks", "AgentResponder"), context.Logs, EdgeServer.WithSecret(BenchContext.DotnetEnvironment(), "AGENT_KEY", agentKey));
        await process.ReadyAsync("healthz", TimeSpan.FromSeconds(60));
        await WaitUntilConnectedAsync(process, TimeSpan.FromSeconds(60));
        return process;
    }

    /// <summary>Its <c>/healthz</c> is 200 only while it is connected to the channel (subscribed, skills announced).</summary>
    private static async Task WaitUntilConnectedAsync(ServerProcess process, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(process.BaseUrl, "healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                last = exception.Message;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"agent-responder did not connect to the device edge's channel within {timeout.TotalSeconds:0} s ({last}).\n{process.Tail()}");
    }

    private static string Dll(BenchContext context) => context.Dll("mocks/AgentResponder", "Facade.Mocks.AgentResponder");
}
