using System.Text.Json;
using Facade.Common;
using Facade.McpAdapter.Catalog;
using Facade.McpAdapter.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Facade.McpAdapter.Mcp;

/// <summary>
/// In front of the MCP endpoints, after authentication: picks the catalog view (unknown agent 404, agent not allowed
/// for this user 403), then looks into the JSON-RPC request so a call the token lacks a scope for is answered at the
/// HTTP level with 403 insufficient_scope and the scopes to ask for: clients step up and retry (MCP 2025-11-25).
/// </summary>
internal sealed class McpGate(ToolCatalog catalog, IOptions<AdapterOptions> options) : IMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!McpSurface.IsMcpPath(context.Request.Path, out var agentId) || context.User.Identity?.IsAuthenticated != true)
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
        if (HttpMethods.IsPost(context.Request.Method) && await MissingScopesAsync(context, view, caller) is { Length: > 0 } needed)
        {
            await BearerChallenge.WriteInsufficientScopeAsync(context, options.Value.ResourceMetadataUrl, needed);
            return;
        }

        await next(context);
    }

    /// <summary>The scopes the requested tool, resource or prompt needs and the token lacks (empty when none).</summary>
    private async Task<string> MissingScopesAsync(HttpContext context, CatalogView view, Caller caller)
    {
        var limit = options.Value.MaxRequestBytes;
        if (context.Request.ContentLength > limit)
        {
            return "";
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: limit);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return ""; // The MCP transport answers malformed JSON-RPC itself.
        }
        finally
        {
            context.Request.Body.Position = 0;
        }

        using (document)
        {
            var messages = document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().ToArray()
                : [document.RootElement];
            var needed = messages.SelectMany(m => RequiredScopes(m, view)).Distinct(StringComparer.Ordinal).ToList();
            return needed.All(caller.Scopes.Contains) ? "" : string.Join(' ', needed);
        }
    }

    private static IReadOnlyList<string> RequiredScopes(JsonElement message, CatalogView view)
    {
        if (message.ValueKind != JsonValueKind.Object
            || !message.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String
            || !message.TryGetProperty("params", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return method.GetString() switch
        {
            "tools/call" when Text(parameters, "name") is { } name && view.TryGetTool(name, out var tool) => tool.Scopes,
            "resources/read" when Text(parameters, "uri") is { } uri && view.TryResolveResource(uri, out var match) => match.Scopes,
            "prompts/get" when Text(parameters, "name") is { } name && view.TryGetPrompt(name, out var prompt) => prompt.Scopes,
            _ => [],
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
