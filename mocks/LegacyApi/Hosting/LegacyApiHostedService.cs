using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Facade.Mocks.LegacyApi.Hosting;

internal sealed class LegacyApiHostedService(IOptions<LegacyApiOptions> options, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private LegacyApiServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _server = LegacyApiServer.Start(options.Value.Port, loggerFactory, System.Net.IPAddress.Parse(options.Value.BindAddress));
        Console.Out.WriteLine($"legacy-api listening on {_server.Url}");
        Console.Out.Flush();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _server?.Dispose();
        _server = null;
    }
}
