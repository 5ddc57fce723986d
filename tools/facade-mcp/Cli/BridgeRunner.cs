using Facade.Mcp.Bridge.Auth;
using Facade.Mcp.Bridge.Proxying;
using Facade.Mcp.Bridge.Remote;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Server;

namespace Facade.Mcp.Bridge.Cli;

/// <summary>What the command does once the options are known: log out, sign in only, or serve stdio.</summary>
internal static class BridgeRunner
{
    private const int Interrupted = 130;
    private static readonly TimeSpan ErrorDeliveryLimit = TimeSpan.FromSeconds(2);

    /// <summary>After the waiting requests failed: time for the SDK to write their error responses before stdio stops.</summary>
    private static readonly TimeSpan ErrorWriteGrace = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(BridgeOptions options, CancellationToken cancellationToken)
    {
        if (options.Logout)
        {
            return await Logout.RunAsync(options, cancellationToken);
        }

        // From here on stdout belongs to MCP: anything that still writes to Console.Out lands on stderr instead.
        Console.SetOut(Console.Error);

        // While connecting, failures are reported in one sentence each; the SDK's own account is for --verbose.
        using var loggerFactory = new StderrLoggerFactory(options.Verbose ? LogLevel.Debug : LogLevel.None);
        var relay = new NotificationRelay();
        using var stopConnecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var connecting = RemoteConnector.ConnectAsync(options, relay, loggerFactory, stopConnecting.Token);
        return options.LoginOnly
            ? await SignInOnlyAsync(options, connecting, cancellationToken)
            : await ServeAsync(options, connecting, stopConnecting, relay, loggerFactory, cancellationToken);
    }

    private static async Task<int> SignInOnlyAsync(BridgeOptions options, Task<McpClient> connecting, CancellationToken cancellationToken)
    {
        var (remote, exitCode) = await ConnectedAsync(options, connecting, cancellationToken);
        if (remote is not null)
        {
            await remote.DisposeAsync();
        }

        return exitCode;
    }

    /// <summary>
    /// Serves stdio at once and connects to the remote server meanwhile (see <see cref="ProxyServer"/>). A failed
    /// connection ends the bridge with its exit code, after the requests that waited for it got their errors.
    /// </summary>
    private static async Task<int> ServeAsync(BridgeOptions options, Task<McpClient> connecting, CancellationTokenSource stopConnecting,
        NotificationRelay relay, StderrLoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var session = new RemoteSession(connecting);
        var serverOptions = ProxyServer.CreateOptions(session, options.Url);
        await using var transport = new StdioServerTransport(serverOptions, loggerFactory);
        await using var server = McpServer.Create(transport, serverOptions, loggerFactory);
        relay.Target = server;
        using var stopServing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var serving = server.RunAsync(stopServing.Token);

        if (await Task.WhenAny(connecting, serving) == serving && !connecting.IsCompleted)
        {
            Stderr.Info($"stdin closed before the connection to {options.Url} was up; stopping.");
            await stopConnecting.CancelAsync();
            await QuietlyAsync(connecting);
            await QuietlyAsync(serving);
            return cancellationToken.IsCancellationRequested ? Interrupted : ExitCodes.Ok;
        }

        var (remote, exitCode) = await ConnectedAsync(options, connecting, cancellationToken);
        if (remote is null)
        {
            await QuietlyAsync(session.NoneWaitingAsync().WaitAsync(ErrorDeliveryLimit, CancellationToken.None));
            await Task.WhenAny(serving, Task.Delay(ErrorWriteGrace, CancellationToken.None));
            await stopServing.CancelAsync();
            await QuietlyAsync(serving);
            return exitCode;
        }

        await using (remote)
        {
            loggerFactory.Minimum = options.Verbose ? LogLevel.Debug : LogLevel.Warning;
            if (session.RequestsWaited)
            {
                await ProxyServer.AnnounceListsChangedAsync(server, cancellationToken);
            }

            try
            {
                await serving;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Interrupted;
            }
        }

        return ExitCodes.Ok;
    }

    /// <summary>Awaits the connection; on failure says why on stderr and returns the exit code instead.</summary>
    private static async Task<(McpClient? Remote, int ExitCode)> ConnectedAsync(BridgeOptions options, Task<McpClient> connecting, CancellationToken cancellationToken)
    {
        try
        {
            var remote = await connecting;
            var how = options.Token is not null ? "with FACADE_TOKEN"
                : options.Machine is { } machine ? $"as the machine identity {options.ClientId}, {BridgeCommand.GrantName(machine.Kind)}"
                : $"signed in, tokens cached in {options.TokenCachePath}";
            Stderr.Info($"connected to {remote.ServerInfo?.Name ?? "the MCP server"} at {options.Url} ({how}).");
            return (remote, ExitCodes.Ok);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, Interrupted);
        }
        catch (Exception exception)
        {
            var (message, exitCode) = EdgeErrors.Describe(exception, options.Url);
            Stderr.Error(message);
            Stderr.Debug(exception.ToString());
            return (null, exitCode);
        }
    }

    private static async Task QuietlyAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception exception)
        {
            Stderr.Debug($"ignored while stopping: {exception.GetType().Name}: {exception.Message}");
        }
    }
}
