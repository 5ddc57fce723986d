using System.Text.Json;
using System.Text.Json.Nodes;
using Facade.McpAdapter.Agents;
using Facade.McpAdapter.Backend;
using Facade.McpAdapter.Catalog;
using Facade.McpAdapter.Hosting;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Facade.McpAdapter.Mcp;

/// <summary>
/// The MCP methods, answered from the catalog view of the request (default or agent) and the caller's token. Lists
/// show what the user may be granted (or only what the token allows, <see cref="ToolListing.Granted"/>), each entry
/// with the scopes it needs in <c>_meta["facade/scopes"]</c>; calls go to the backend with the caller's own token.
/// </summary>
internal static class McpHandlers
{
    /// <summary>The <c>_meta</c> key naming the scopes a tool, resource, template or prompt needs (MCP <c>_meta</c> key syntax).</summary>
    public const string ScopesMetaKey = "facade/scopes";

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static async ValueTask<ListToolsResult> ListToolsAsync(RequestContext<ListToolsRequestParams> request, CancellationToken cancellationToken)
    {
        var (view, caller, listing) = Resolve(request.Services);
        var tools = await request.Services!.GetRequiredService<AnnouncedSkills>().ListAsync(view, caller, cancellationToken);
        return new ListToolsResult
        {
            Tools = [.. tools.Where(t => Listed(listing, caller, t.Scopes)).Select(ToProtocol)],
        };
    }

    public static async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var (view, caller, _) = Resolve(request.Services);
        var name = request.Params?.Name ?? "";
        if (await request.Services!.GetRequiredService<AnnouncedSkills>().FindAsync(view, name, caller, cancellationToken) is not { } tool)
        {
            throw new McpProtocolException($"Unknown tool: '{name}'.", McpErrorCode.InvalidParams);
        }

        // The gate answers 403 before this; kept so a tool never runs without its scopes, whatever the path.
        if (!caller.HasAll(tool.Scopes))
        {
            return Error($"This tool needs the scope(s) {string.Join(' ', tool.Scopes)}.");
        }

        var arguments = ToObject(request.Params?.Arguments);
        var problems = ArgumentValidator.Validate(tool, arguments);
        if (problems.Count > 0)
        {
            return Error("Invalid arguments: " + string.Join("; ", problems));
        }

        var invoker = request.Services!.GetRequiredService<BackendInvoker>();
        var result = await invoker.InvokeAsync(tool.Call, arguments, caller.BearerToken, cancellationToken);
        return new CallToolResult
        {
            IsError = result.IsError ? true : null,
            Content = [new TextContentBlock { Text = result.Text }],
            StructuredContent = !result.IsError && result.Structured is { ValueKind: JsonValueKind.Object } structured ? structured : null,
        };
    }

    public static ValueTask<ListResourcesResult> ListResourcesAsync(RequestContext<ListResourcesRequestParams> request, CancellationToken cancellationToken)
    {
        var (view, caller, listing) = Resolve(request.Services);
        return ValueTask.FromResult(new ListResourcesResult
        {
            Resources = [.. view.Resources.Where(r => Listed(listing, caller, r.Scopes)).Select(r => new Resource
            {
                Uri = r.Uri,
                Name = r.Name,
                Title = r.Title,
                Description = r.Description,
                MimeType = r.MimeType,
                Meta = ScopesMeta(r.Scopes),
            })],
        });
    }

    public static ValueTask<ListResourceTemplatesResult> ListResourceTemplatesAsync(RequestContext<ListResourceTemplatesRequestParams> request, CancellationToken cancellationToken)
    {
        var (view, caller, listing) = Resolve(request.Services);
        return ValueTask.FromResult(new ListResourceTemplatesResult
        {
            ResourceTemplates = [.. view.ResourceTemplates.Where(t => Listed(listing, caller, t.Scopes)).Select(t => new ResourceTemplate
            {
                UriTemplate = t.UriTemplate.Text,
                Name = t.Name,
                Title = t.Title,
                Description = t.Description,
                MimeType = t.MimeType,
                Meta = ScopesMeta(t.Scopes),
            })],
        });
    }

    public static async ValueTask<ReadResourceResult> ReadResourceAsync(RequestContext<ReadResourceRequestParams> request, CancellationToken cancellationToken)
    {
        var (view, caller, _) = Resolve(request.Services);
        var uri = request.Params?.Uri ?? "";
        if (!view.TryResolveResource(uri, out var match))
        {
            throw new McpProtocolException($"Resource not found: '{uri}'.", McpErrorCode.ResourceNotFound);
        }

        if (!caller.HasAll(match.Scopes))
        {
            throw new McpProtocolException($"Reading this resource needs the scope(s) {string.Join(' ', match.Scopes)}.", McpErrorCode.InvalidRequest);
        }

        var invoker = request.Services!.GetRequiredService<BackendInvoker>();
        var result = await invoker.InvokeAsync(match.Call, match.Arguments, caller.BearerToken, cancellationToken);
        if (result.IsError)
        {
            throw new McpProtocolException(result.Text,
                result.Failure == BackendFailure.NotFound ? McpErrorCode.ResourceNotFound : McpErrorCode.InternalError);
        }

        return new ReadResourceResult
        {
            Contents = [new TextResourceContents { Uri = uri, MimeType = match.MimeType, Text = result.Text }],
        };
    }

    public static ValueTask<ListPromptsResult> ListPromptsAsync(RequestContext<ListPromptsRequestParams> request, CancellationToken cancellationToken)
    {
        var (view, caller, listing) = Resolve(request.Services);
        return ValueTask.FromResult(new ListPromptsResult
        {
            Prompts = [.. view.Prompts.Where(p => Listed(listing, caller, p.Scopes)).Select(p => new Prompt
            {
                Name = p.Name,
                Title = p.Title,
                Description = p.Description,
                Arguments = [.. p.Arguments.Select(a => new PromptArgument { Name = a.Name, Description = a.Description, Required = a.Required })],
                Meta = ScopesMeta(p.Scopes),
            })],
        });
    }

    public static ValueTask<GetPromptResult> GetPromptAsync(RequestContext<GetPromptRequestParams> request, CancellationToken cancellationToken)
    {
        var (view, caller, _) = Resolve(request.Services);
        var name = request.Params?.Name ?? "";
        if (!view.TryGetPrompt(name, out var prompt))
        {
            throw new McpProtocolException($"Unknown prompt: '{name}'.", McpErrorCode.InvalidParams);
        }

        // The gate answers 403 before this; kept so a prompt never renders without its scopes, whatever the path.
        if (!caller.HasAll(prompt.Scopes))
        {
            throw new McpProtocolException($"This prompt needs the scope(s) {string.Join(' ', prompt.Scopes)}.", McpErrorCode.InvalidRequest);
        }

        var arguments = request.Params?.Arguments?.ToDictionary(
            a => a.Key,
            a => a.Value.ValueKind == JsonValueKind.String ? a.Value.GetString() ?? "" : a.Value.GetRawText(),
            StringComparer.Ordinal);
        if (!prompt.TryRender(arguments, out var text, out var error))
        {
            throw new McpProtocolException(error, McpErrorCode.InvalidParams);
        }

        return ValueTask.FromResult(new GetPromptResult
        {
            Description = prompt.Description,
            Messages = [new PromptMessage { Role = Role.User, Content = new TextContentBlock { Text = text } }],
        });
    }

    private static (CatalogView View, Caller Caller, ToolListing Listing) Resolve(IServiceProvider? services)
    {
        var http = services?.GetService<IHttpContextAccessor>()?.HttpContext
            ?? throw new McpProtocolException("The request has no HTTP context.", McpErrorCode.InternalError);
        var listing = services!.GetRequiredService<IOptions<AdapterOptions>>().Value.ToolListing;
        return (McpSurface.Get(http), Caller.From(http), listing);
    }

    /// <summary>
    /// Grantable: every entry of the view (the gate already refused users an agent is not for), so a client learns what
    /// to step up to. Granted: only what the token's scopes allow.
    /// </summary>
    private static bool Listed(ToolListing listing, Caller caller, IReadOnlyList<string> scopes) =>
        listing == ToolListing.Grantable || caller.HasAll(scopes);

    private static JsonObject ScopesMeta(IReadOnlyList<string> scopes) =>
        new() { [ScopesMetaKey] = new JsonArray([.. scopes.Select(s => (JsonNode?)JsonValue.Create(s))]) };

    private static Tool ToProtocol(ToolDefinition tool) => new()
    {
        Name = tool.Name,
        Title = tool.Title,
        Description = tool.Description,
        InputSchema = tool.InputSchema,
        OutputSchema = tool.OutputSchema,
        Annotations = new ToolAnnotations
        {
            Title = tool.Title,
            ReadOnlyHint = tool.Annotations.ReadOnly,
            DestructiveHint = tool.Annotations.Destructive,
            IdempotentHint = tool.Annotations.Idempotent,
            OpenWorldHint = tool.Annotations.OpenWorld,
        },
        Meta = ScopesMeta(tool.Scopes),
    };

    private static JsonElement ToObject(IDictionary<string, JsonElement>? arguments) =>
        arguments is null || arguments.Count == 0 ? EmptyObject : JsonSerializer.SerializeToElement(arguments);

    private static CallToolResult Error(string message) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = message }],
    };
}
