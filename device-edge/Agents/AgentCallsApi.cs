using System.Security.Claims;
using Facade.Common;
using Facade.Common.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Agents;

/// <summary>
/// The callers' side of the channel (<c>agents:invoke</c>; the MCP adapter calls it with the caller's token):
/// <c>POST /agents/{agentId}/calls</c> waits for the agent's answer, <c>GET /agents/{agentId}/skills</c> reads what
/// its runtime announced. The <c>caller</c> the agent sees comes from the validated token, never from the body.
/// </summary>
internal static class AgentCallsApi
{
    public static IEndpointRouteBuilder MapAgentCallsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var agents = app.MapGroup("/agents/{agentId}");
        agents.MapPost("/calls", CallAsync).RequireScopes(AgentScopes.Invoke);
        agents.MapGet("/skills", Skills).RequireScopes(AgentScopes.Invoke);
        return app;
    }

    public static async Task<Results<Ok<CallResultBody>, Ok<CallErrorBody>, JsonHttpResult<ErrorBody>, EmptyHttpResult>> CallAsync(
        HttpContext http, string agentId, AgentCallHub hub, IOptions<AgentOptions> options)
    {
        if (!IsCallable(http.User, agentId))
        {
            return NotFound();
        }

        var (body, error) = await AgentRequestBody.ReadAsync(http.Request, options.Value.MaxMessageBytes);
        if (error is not null)
        {
            return error;
        }

        var request = CallRequest.Parse(body!, out var problem);
        if (request is null)
        {
            return JsonErrors.Typed(StatusCodes.Status400BadRequest, "invalid_request", problem);
        }

        var seconds = request.TimeoutSeconds ?? options.Value.DefaultCallTimeoutSeconds;
        CallOutcome outcome;
        try
        {
            outcome = await hub.CallAsync(agentId, request.Tool, request.Arguments, CallerOf(http.User), TimeSpan.FromSeconds(seconds), http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Empty; // The caller went away; the call was withdrawn.
        }

        http.Response.Headers.CacheControl = "no-store";
        return outcome.Kind switch
        {
            CallOutcomeKind.Result => TypedResults.Ok(new CallResultBody(outcome.Result!.Value)),
            CallOutcomeKind.AgentError => TypedResults.Ok(new CallErrorBody(outcome.Message!)),
            CallOutcomeKind.Timeout => JsonErrors.Typed(StatusCodes.Status504GatewayTimeout, "agent_timeout",
                $"The agent '{agentId}' did not answer within {seconds} s ({outcome.Message})."),
            CallOutcomeKind.RuntimeLost => JsonErrors.Typed(StatusCodes.Status502BadGateway, "agent_runtime_lost",
                $"The agent '{agentId}' could not answer: {outcome.Message}."),
            _ => TooMany(http, outcome.Message!),
        };
    }

    public static Results<Ok<SkillsBody>, JsonHttpResult<ErrorBody>> Skills(HttpContext http, string agentId, AgentCallHub hub)
    {
        if (!IsCallable(http.User, agentId))
        {
            return NotFound();
        }

        var skills = hub.Skills(agentId);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new SkillsBody(skills.Version, skills.Skills, skills.Online));
    }

    /// <summary>
    /// A valid agent id, and — defence in depth beside the edge's own rule — a token minted from an agent key is only
    /// good for its own agent.
    /// </summary>
    private static bool IsCallable(ClaimsPrincipal user, string agentId)
    {
        var boundTo = user.FindFirstValue(AgentScopes.AgentIdClaim);
        return AgentId.IsValid(agentId) && (string.IsNullOrEmpty(boundTo) || boundTo == agentId);
    }

    private static CallCaller CallerOf(ClaimsPrincipal user) => new(
        user.FindFirstValue("sub") ?? throw new InvalidOperationException("The endpoint must require scopes (a validated token has a subject)."),
        user.FindFirstValue("name") ?? user.FindFirstValue("preferred_username"),
        user.FindFirstValue("client_id"));

    private static JsonHttpResult<ErrorBody> NotFound() =>
        JsonErrors.Typed(StatusCodes.Status404NotFound, "not_found", "No such agent.");

    private static JsonHttpResult<ErrorBody> TooMany(HttpContext http, string description)
    {
        http.Response.Headers.RetryAfter = "1";
        return JsonErrors.Typed(StatusCodes.Status429TooManyRequests, "too_many_requests", description);
    }
}
