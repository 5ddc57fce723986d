using Facade.Common;
using Facade.Mocks.AgentResponder.Hosting;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, ResponderOptions.Switches);

builder.AddServiceDefaults();
builder.AddAgentResponder();

try
{
    var app = builder.Build();
    app.UseJsonExceptionHandler();
    app.UseJsonStatusCodePages();
    app.MapDefaultEndpoints();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is OptionsValidationException or InvalidDataException)
{
    await Console.Error.WriteLineAsync($"agent-responder failed to start: {e.Message}");
    return 1;
}

/// <summary>Entry point, public so tests can start the real responder with <c>WebApplicationFactory</c>-style hosts.</summary>
public partial class Program;
