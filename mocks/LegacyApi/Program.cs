using Facade.Mocks.LegacyApi.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WireMock.Exceptions;

var builder = Host.CreateApplicationBuilder(args);

// `--port 5030` is the documented shorthand for LegacyApi:Port; added last so it wins over env vars.
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--port"] = $"{LegacyApiOptions.Section}:Port" });

// Run scripts wait for exactly one "listening" line on stdout; keep the host's own banner out of it.
builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);

builder.Services.AddOptions<LegacyApiOptions>()
    .BindConfiguration(LegacyApiOptions.Section)
    .ValidateDataAnnotations()
    .Validate(o => System.Net.IPAddress.TryParse(o.BindAddress, out _), $"{LegacyApiOptions.Section}:BindAddress must be an IP address, e.g. 127.0.0.1.")
    .ValidateOnStart();
builder.Services.AddHostedService<LegacyApiHostedService>();

try
{
    await builder.Build().RunAsync();
    return 0;
}
catch (Exception ex) when (ex is OptionsValidationException or WireMockException)
{
    // Already logged in full by the host; keep the exit clean for run scripts (no abort, exit code 1).
    await Console.Error.WriteLineAsync($"legacy-api failed to start: {ex.Message}");
    return 1;
}
