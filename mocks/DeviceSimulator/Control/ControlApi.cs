using System.Globalization;
using Facade.Common;
using Facade.Mocks.DeviceSimulator.Devices;
using Facade.Mocks.DeviceSimulator.Fleet;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Facade.Mocks.DeviceSimulator.Control;

/// <summary>
/// The control endpoint (127.0.0.1 only): <c>GET /devices</c>, <c>GET /devices/{id}</c>,
/// <c>POST /devices/{id}/offline[?seconds=N]</c> (disconnect, saying offline; back after N seconds, or after
/// <c>POST /devices/{id}/online</c>).
/// </summary>
internal static class ControlApi
{
    private const int MaxOfflineSeconds = 86400;

    public static WebApplication MapSimulatorControl(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(RefuseBrowsersAsync);
        var devices = app.MapGroup("/devices");
        devices.MapGet("/", List);
        devices.MapGet("/{id}", Get);
        devices.MapPost("/{id}/offline", Offline);
        devices.MapPost("/{id}/online", Online);
        return app;
    }

    private static Ok<DeviceView[]> List(SimulatedFleet fleet) => TypedResults.Ok(fleet.Devices.Select(d => d.View()).ToArray());

    private static Results<Ok<DeviceView>, JsonHttpResult<ErrorBody>> Get(string id, SimulatedFleet fleet) =>
        fleet.Find(id) is { } device ? TypedResults.Ok(device.View()) : NotFound();

    private static Results<Accepted<DeviceView>, JsonHttpResult<ErrorBody>> Offline(string id, string? seconds, SimulatedFleet fleet)
    {
        if (fleet.Find(id) is not { } device)
        {
            return NotFound();
        }

        TimeSpan? duration = null;
        if (seconds is not null)
        {
            if (!int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > MaxOfflineSeconds)
            {
                return JsonErrors.Typed(StatusCodes.Status400BadRequest, "invalid_request", $"seconds must be a whole number from 1 to {MaxOfflineSeconds} (leave it out to stay offline until POST /devices/{{id}}/online).");
            }

            duration = TimeSpan.FromSeconds(value);
        }

        device.GoOffline(duration);
        return TypedResults.Accepted($"/devices/{id}", device.View());
    }

    private static Results<Accepted<DeviceView>, JsonHttpResult<ErrorBody>> Online(string id, SimulatedFleet fleet)
    {
        if (fleet.Find(id) is not { } device)
        {
            return NotFound();
        }

        device.ComeOnline();
        return TypedResults.Accepted($"/devices/{id}", device.View());
    }

    private static JsonHttpResult<ErrorBody> NotFound() =>
        JsonErrors.Typed(StatusCodes.Status404NotFound, "not_found", "No simulated device with this id.");

    /// <summary>
    /// Pages in a browser may send requests to loopback addresses too; this endpoint answers scripts and curl only.
    /// Browsers send <c>Origin</c> on every cross-origin POST, so a request with one is refused.
    /// </summary>
    private static Task RefuseBrowsersAsync(HttpContext context, RequestDelegate next) =>
        context.Request.Headers.Origin.Count > 0
            ? JsonErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", "The control endpoint does not answer browser pages (requests with an Origin header).")
            : next(context);
}
