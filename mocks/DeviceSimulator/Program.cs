using Facade.Common;
using Facade.Mocks.DeviceSimulator.Control;
using Facade.Mocks.DeviceSimulator.Fleet;
using Facade.Mocks.DeviceSimulator.Hosting;
using Microsoft.Extensions.Options;

if (InitCommand.Matches(args))
{
    return await InitCommand.RunAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, SimulatorOptions.Switches);

builder.AddServiceDefaults();
builder.AddDeviceSimulator();

try
{
    // Inside the try: building the listener reads the options, so a bad setting can already stop the start here.
    var app = builder.Build();
    app.UseJsonExceptionHandler();
    app.UseJsonStatusCodePages();
    app.MapDefaultEndpoints();
    app.MapSimulatorControl();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is OptionsValidationException or InvalidDataException)
{
    await Console.Error.WriteLineAsync($"device-simulator failed to start: {e.Message}");
    return 1;
}

/// <summary>Entry point, public so tests can start the real simulator with <c>WebApplicationFactory</c>-style hosts.</summary>
public partial class Program;
