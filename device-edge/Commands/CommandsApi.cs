using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Facade.Common;
using Facade.Common.Auth;
using Facade.DeviceEdge.Auth;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Hosting;
using Facade.DeviceEdge.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Commands;

/// <summary>
/// <c>/devices/{id}/commands</c>: send a command (<c>commands:write</c>, owner or control share) and read a device's
/// commands (<c>devices:read</c>, anyone who sees the device). Sending stores the command first, then publishes it if
/// the device is online; otherwise it waits for the device (<see cref="CommandDelivery"/>) until it expires.
/// </summary>
internal static class CommandsApi
{
    public static IEndpointRouteBuilder MapCommandsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var commands = app.MapGroup("/devices/{id}/commands");
        commands.MapPost("", SendAsync).RequireScopes(DeviceScopes.CommandsWrite);
        commands.MapGet("", ListAsync).RequireScopes(DeviceScopes.DevicesRead);
        commands.MapGet("/{commandId}", GetAsync).RequireScopes(DeviceScopes.DevicesRead);
        return app;
    }

    public static async Task<Results<Accepted<CommandView>, Ok<CommandView>, JsonHttpResult<ErrorBody>>> SendAsync(
        HttpContext http, [AsParameters] CommandServices services, string id, string? wait)
    {
        var caller = Caller.From(http.User);
        if (wait is not (null or "true" or "false"))
        {
            return JsonBody.Invalid("'wait' must be 'true' or 'false'.");
        }

        var (request, error) = await services.Body.ReadAsync(http.Request, CommandsJsonContext.Default.SendCommandRequest);
        if (error is not null)
        {
            return error;
        }

        if (request!.Check() is { } problem)
        {
            return JsonBody.Invalid(problem);
        }

        var parameters = request.Params is { ValueKind: JsonValueKind.Object } given ? CompactJson.Of(given) : "{}";
        if (Encoding.UTF8.GetByteCount(parameters) > services.Options.Value.MaxParamsBytes)
        {
            return JsonErrors.Typed(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"'params' must be at most {services.Options.Value.MaxParamsBytes} bytes.");
        }

        var device = await services.Db.FindVisibleAsync(caller.UserId, id, http.RequestAborted);
        if (device is null)
        {
            return DeviceErrors.NotFound();
        }

        if (DeviceQueries.AccessOf(device, caller.UserId) < DeviceAccess.Control)
        {
            return DeviceErrors.Forbidden(DeviceAccess.Control);
        }

        var now = StoredTime.Now(services.Time);
        var open = await services.Db.Commands.CountAsync(c => c.DeviceId == device.Id
            && (c.Status == CommandStatus.Pending || c.Status == CommandStatus.Delivered) && c.ExpiresAt > now, http.RequestAborted);
        if (open >= services.Options.Value.MaxOpenPerDevice)
        {
            return JsonErrors.Typed(StatusCodes.Status429TooManyRequests, "too_many_requests",
                $"The device already has {open} open commands (at most {services.Options.Value.MaxOpenPerDevice}); wait until they finish or time out.");
        }

        var command = new DeviceCommand
        {
            Id = NewId(),
            DeviceId = device.Id,
            Name = request.Name!,
            Params = parameters,
            Status = CommandStatus.Pending,
            CreatedAt = now,
            ExpiresAt = now.AddSeconds(request.TimeoutSeconds ?? services.Options.Value.DefaultTimeoutSeconds),
            Subject = caller.UserId,
            ClientId = caller.ClientId,
        };
        services.Db.Commands.Add(command);
        await services.Db.SaveChangesAsync(http.RequestAborted);
        services.Changes.Notify(command.DeviceId, command.Id, CommandStatus.Pending);

        // Registered before the device can possibly answer, so an immediate answer is not missed.
        var finished = wait == "true" ? services.Waiters.Register(command.Id) : null;
        try
        {
            if (services.Board.IsOnline(device.Id))
            {
                await services.Delivery.SendAsync(command, CancellationToken.None);
            }

            if (finished is null)
            {
                return TypedResults.Accepted($"/devices/{device.Id}/commands/{command.Id}", CommandView.Of(command));
            }

            var final = await WaitAsync(services, command, finished, http.RequestAborted);
            return final is null ? DeviceErrors.NotFound() : TypedResults.Ok(CommandView.Of(final));
        }
        finally
        {
            services.Waiters.Forget(command.Id);
        }
    }

    public static async Task<Results<Ok<CommandListView>, JsonHttpResult<ErrorBody>>> ListAsync(
        HttpContext http, [AsParameters] CommandServices services, string id, string? limit, string? after)
    {
        var caller = Caller.From(http.User);
        if (!CommandPaging.TryParseLimit(limit, out var size))
        {
            return CommandPaging.BadLimit();
        }

        var device = await services.Db.FindVisibleAsync(caller.UserId, id, http.RequestAborted);
        if (device is null)
        {
            return DeviceErrors.NotFound();
        }

        var page = await CommandPaging.PageAsync(services.Db.Commands.AsNoTracking().Where(c => c.DeviceId == device.Id), size, after, http.RequestAborted);
        return page is null ? CommandPaging.BadCursor() : TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<CommandView>, JsonHttpResult<ErrorBody>>> GetAsync(
        HttpContext http, [AsParameters] CommandServices services, string id, string commandId)
    {
        var caller = Caller.From(http.User);
        var device = await services.Db.FindVisibleAsync(caller.UserId, id, http.RequestAborted);
        if (device is null)
        {
            return DeviceErrors.NotFound();
        }

        var command = await services.Db.Commands.AsNoTracking().FirstOrDefaultAsync(c => c.Id == commandId && c.DeviceId == device.Id, http.RequestAborted);
        return command is null
            ? JsonErrors.Typed(StatusCodes.Status404NotFound, "not_found", "No command with this id for this device.")
            : TypedResults.Ok(CommandView.Of(command));
    }

    /// <summary>
    /// Until the command is final or expires, whichever is first: the answer or the sweeper completes
    /// <paramref name="finished"/>; at the deadline the request times the command out itself rather than wait for the
    /// sweeper's next round. Ends early (cancelled) when the caller goes away. Null if the device was deleted meanwhile.
    /// </summary>
    private static async Task<DeviceCommand?> WaitAsync(CommandServices services, DeviceCommand command, Task finished, CancellationToken aborted)
    {
        var remaining = command.ExpiresAt - services.Time.GetUtcNow();
        if (remaining > TimeSpan.Zero)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            await Task.WhenAny(finished, Task.Delay(remaining, services.Time, deadline.Token));
            await deadline.CancelAsync();
            aborted.ThrowIfCancellationRequested();
        }

        if (!finished.IsCompleted)
        {
            await services.Store.TimeOutAsync(command.DeviceId, command.Id, CancellationToken.None);
        }

        return await services.Db.Commands.AsNoTracking().FirstOrDefaultAsync(c => c.Id == command.Id, CancellationToken.None);
    }

    /// <summary><c>cmd_</c> and 96 random bits in hex: unguessable, and a valid topic level.</summary>
    private static string NewId() => "cmd_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
