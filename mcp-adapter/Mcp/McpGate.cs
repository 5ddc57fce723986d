using System.Text.Json;
using Facade.Common;
using Facade.McpAdapter.Agents;
using Facade.McpAdapter.Catalog;
using Facade.McpAdapter.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Facade.McpAdapter.Mcp;

/// <summary>
/// In front of the MCP endpoints, after authentication: picks the catalog view (an agent needs <c>agents:invoke</c>,
/// as at the edge; unknown agent 404, agent not allowed for this user 403), enforces the body limit (413 before
/// anything reads more than <see cref="AdapterOptions.MaxRequestBytes"/>), then looks into the JSON-RPC request so a
/// call the token lacks a scope for is answered at the HTTP level with 403 insufficient_scope and the scopes to ask
/// for: clients step up and retry (MCP 2025-11-25).
/// </summary>
internal sealed class McpGate(ToolCatalog catalog, AnnouncedSkills announced, IOptions<AdapterOptions> options) : IMiddleware
{
    public const string AgentScope = Facade.Common.ScopeCatalog.AgentsInvoke;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var isMcp = McpSurface.IsMcpPath(context.Request.Path, out var agentId);
        if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirst(Facade.Common.Tokens.FacadeClaims.AgentId)?.Value is { } boundAgent
            && !(isMcp && string.Equals(agentId, boundAgent, StringComparison.Ordinal)))
        {
            // The edge already confines agent keys to their agent's routes; reached around it, so does the adapter.
            await JsonErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden",
                $"This token belongs to the agent '{boundAgent}' and may only be used on /agents/{boundAgent}/mcp.");
            return;
        }

        if (!isMcp || context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }

        var caller = Caller.From(context);
        CatalogView view;
        if (agentId is null)
        {
            view = catalog.Default;
        }
        else if (!caller.Scopes.Contains(AgentScope))
        {
            // Before the agent lookup, like the edge's route check: without the scope nothing about agents is told.
            await BearerChallenge.WriteInsufficientScopeAsync(context, options.Value.ResourceMetadataUrl, AgentScope);
            return;
        }
        else if (!catalog.TryGetAgent(agentId, out var agent))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status404NotFound, "not_found", "No agent with that id.");
            return;
        }
        else if (!agent.AllowsUser(caller.Subject, caller.UserName))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "access_denied", "This agent is not available to you.");
            return;
        }
        else
        {
            view = agent.View;
        }

        McpSurface.Set(context, view);
        if (HttpMethods.IsPost(context.Request.Method))
        {
            var body = await ReadBodyAsync(context);
            if (body.TooLarge)
            {
                await JsonErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "invalid_request",
                    $"The request body must be at most {options.Value.MaxRequestBytes} bytes.");
                return;
            }

            using var document = body.Document;
            if (document is not null && await MissingScopesAsync(document.RootElement, view, caller, context.RequestAborted) is { Length: > 0 } needed)
            {
                await BearerChallenge.WriteInsufficientScopeAsync(context, options.Value.ResourceMetadataUrl, needed);
                return;
            }
        }

        await next(context);
    }

    /// <summary>
    /// Buffers and parses the body, never more than the limit: a declared length over it is refused unread, a chunked
    /// body is cut off as soon as it passes it. Malformed JSON yields no document (the MCP transport answers it).
    /// </summary>
    private async Task<(bool TooLarge, JsonDocument? Document)> ReadBodyAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBytes;
        if (context.Request.ContentLength > limit)
        {
            return (true, null);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: limit);
        try
        {
            return (false, await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted));
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (true, null);
        }
        catch (IOException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The buffering stream's own limit (when the server's could not be lowered for this request).
            return (true, null);
        }
        catch (JsonException)
        {
            return (false, null);
        }
        finally
        {
            if (context.Request.Body.CanSeek)
            {
                context.Request.Body.Position = 0;
            }
        }
    }

    /// <summary>The scopes the requested tools (catalog or announced), resources or prompts need and the token lacks (empty when none).</summary>
    private async Task<string> MissingScopesAsync(JsonElement root, CatalogView view, Caller caller, CancellationToken cancellationToken)
    {
        var messages = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToArray() : [root];
        var needed = new List<string>();
        foreach (var message in messages)
        {
            needed.AddRange(await RequiredScopesAsync(message, view, caller, cancellationToken));
        }

        needed = [.. needed.Distinct(StringComparer.Ordinal)];
        return needed.All(caller.Scopes.Contains) ? "" : string.Join(' ', needed);
    }

    private async ValueTask<IReadOnlyList<string>> RequiredScopesAsync(JsonElement message, CatalogView view, Caller caller, CancellationToken cancellationToken)
    {
        if (message.ValueKind != JsonValueKind.Object
            || !message.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String
            || !message.TryGetProperty("params", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return method.GetString() switch
        {
            "tools/call" when Text(parameters, "name") is { } name =>
                await announced.FindAsync(view, name, caller, cancellationToken) is { } tool ? tool.Scopes : [],
            "resources/read" when Text(parameters, "uri") is { } uri && view.TryResolveResource(uri, out var match) => match.Scopes,
            "prompts/get" when Text(parameters, "name") is { } name && view.TryGetPrompt(name, out var prompt) => prompt.Scopes,
            _ => [],
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
