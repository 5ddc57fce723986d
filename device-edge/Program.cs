using Facade.Common;
using Facade.DeviceEdge.Admin;

if (AdminCommands.IsAdminCommand(args))
{
    return await AdminCommands.RunAsync(args, Console.In, Console.Out);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddDeviceEdge();

var app = builder.Build();

app.UseJsonExceptionHandler();
app.UseJsonStatusCodePages();
app.UseRevocationFeedGuard();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapDeviceRegistry();
app.MapDeviceStatus();
app.MapDeviceTelemetry();
app.MapDeviceAlerts();
app.MapDeviceCommands();
app.MapDeviceShadows();
app.MapAgents();
app.MapDeviceRealtime();

await app.RunAsync();
return 0;

/// <summary>Entry point, public so tests can start the real device edge with <c>WebApplicationFactory</c>-style hosts.</summary>
public partial class Program;
