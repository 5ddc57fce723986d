using System.Globalization;
using System.Security.Claims;
using Facade.Common;
using Facade.Common.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Agents;

/// <summary>
/// The REST form of an agent's runtime, for runtimes that cannot speak MQTT: <c>POST /channels/{agentId}/wait</c>
/// (long-poll for the next <c>chat_message</c>) and <c>POST /channels/{agentId}/replies</c> (<c>agent_reply</c> or
/// <c>skills</c>). Only a token with <c>agents:serve</c> and <c>agent_id</c> = the path's id reads that inbox; any other
/// authenticated caller gets 404, as if the channel did not exist.
/// </summary>
internal static partial class AgentChannelApi
{
    public static IEndpointRouteBuilder MapAgentChannelApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var channel = app.MapGroup("/channels/{agentId}").RequireAuthorization();
        channel.MapPost("/wait", WaitAsync);
        channel.MapPost("/replies", ReplyAsync);
        return app;
    }

    public static async Task<Results<FileContentHttpResult, NoContent, JsonHttpResult<ErrorBody>, EmptyHttpResult>> WaitAsync(
        HttpContext http, string agentId, string? timeoutSeconds, AgentCallHub hub)
    {
        if (!IsRuntimeOf(http.User, agentId))
        {
            return NotFound();
        }

        var seconds = AgentOptions.MaxWaitSeconds;
        if (timeoutSeconds is not null
            && (!int.TryParse(timeoutSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) || seconds > AgentOptions.MaxWaitSeconds))
        {
            return JsonErrors.Typed(StatusCodes.Status400BadRequest, "invalid_request",
                $"'timeoutSeconds' must be a whole number from 0 to {AgentOptions.MaxWaitSeconds}.");
        }

        http.Response.Headers.CacheControl = "no-store";
        try
        {
            var message = await hub.WaitAsync(agentId, TimeSpan.FromSeconds(seconds), http.RequestAborted);
            return message is null ? TypedResults.NoContent() : TypedResults.Bytes(message, "application/json");
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Empty;
        }
    }

    public static async Task<Results<Accepted, JsonHttpResult<ErrorBody>>> ReplyAsync(
        HttpContext http, string agentId, AgentCallHub hub, IOptions<AgentOptions> options, ILogger<AgentCallHub> logger)
    {
        if (!IsRuntimeOf(http.User, agentId))
        {
            return NotFound();
        }

        var (body, error) = await AgentRequestBody.ReadAsync(http.Request, options.Value.MaxMessageBytes);
        if (error is not null)
        {
            return error;
        }

        if (!ChannelMessages.TryParse(body, options.Value.MaxSkills, out var message, out var problem))
        {
            LogRefused(logger, agentId, problem);
            return JsonErrors.Typed(StatusCodes.Status400BadRequest, "invalid_request", problem);
        }

        hub.Receive(hub.Rest(agentId), message!);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>The token is the agent's runtime's: scope <c>agents:serve</c> and claim <c>agent_id</c> = <paramref name="agentId"/>.</summary>
    public static bool IsRuntimeOf(ClaimsPrincipal user, string agentId) =>
        AgentId.IsValid(agentId)
        && string.Equals(user.FindFirstValue(AgentScopes.AgentIdClaim), agentId, StringComparison.Ordinal)
        && ScopeRequirement.HasAll(user, [AgentScopes.Serve]);

    private static JsonHttpResult<ErrorBody> NotFound() =>
        JsonErrors.Typed(StatusCodes.Status404NotFound, "not_found", "No such channel.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId}: a REST runtime message was refused: {Problem}")]
    private static partial void LogRefused(ILogger logger, string agentId, string problem);
}
