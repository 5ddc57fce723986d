using Facade.Common.Auth;
using Facade.McpAdapter.Agents;
using Facade.McpAdapter.Auth;
using Facade.McpAdapter.Backend;
using Facade.McpAdapter.Catalog;
using Facade.McpAdapter.Hosting;
using Facade.McpAdapter.Mcp;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace Microsoft.Extensions.Hosting;

internal static class McpExtensions
{
    public const string RevocationsSection = AdapterOptions.SectionName + ":Revocations";

    /// <summary>The MCP server: stateless streamable HTTP, every primitive answered from the catalog.</summary>
    public static IHostApplicationBuilder AddMcpAdapter(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<AdapterOptions>()
            .BindConfiguration(AdapterOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Issuer is null || (o.Issuer.IsAbsoluteUri && o.Issuer.AbsoluteUri.EndsWith('/')),
                "Adapter:Issuer must be the edge's absolute public URL ending with '/', e.g. http://127.0.0.1:5000/.")
            .ValidateOnStart();

        // Reached around the edge, the adapter must still refuse revoked tokens: it follows the edge's revocation feed.
        builder.Services.AddRevocationFeed(RevocationsSection)
            .PostConfigure<IOptions<AdapterOptions>>((feed, adapter) =>
                feed.FeedUrl ??= adapter.Value.Issuer is { IsAbsoluteUri: true } issuer ? new Uri(issuer, "oauth/revocations") : null);

        builder.Services.AddHttpContextAccessor();

        // A resource server of the edge in its own right: it validates every token itself (JWKS, issuer, audience,
        // lifetime, the revocation feed above), so it stays safe when reached around the edge.
        builder.Services.AddFacadeResourceServer();
        builder.Services.AddOptions<ResourceServerOptions>().Configure<IOptions<AdapterOptions>>((resource, options) =>
        {
            var adapter = options.Value;
            resource.Issuer = adapter.Issuer;
            resource.MetadataAddress = adapter.MetadataAddress;
            resource.ClockSkew = adapter.ClockSkew;
            resource.TokenCacheLifetime = adapter.TokenCacheLifetime;
            resource.DefaultPrefix = "mcp";
        });
        builder.Services.AddSingleton<OriginGuard>();
        builder.Services.AddSingleton<McpGate>();
        builder.Services.AddSingleton<JsonAnswers>();
        builder.Services.AddSingleton<LegacySseEndpoints>();
        builder.Services.AddSingleton<AnnouncedSkills>();

        builder.Services.AddToolCatalog();
        builder.Services.AddBackendInvoker();

        builder.Services.AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = "facade", Title = "Facade", Version = "1.0.0" };
                options.ServerInstructions = "Tools here call the organization's own backends with your identity. Each lists the scopes it needs (_meta \"facade/scopes\"); calling one your sign-in lacks asks you to grant more.";
            })
            .WithHttpTransport(http => http.Stateless = true)
            .WithListToolsHandler(McpHandlers.ListToolsAsync)
            .WithCallToolHandler(McpHandlers.CallToolAsync)
            .WithListResourcesHandler(McpHandlers.ListResourcesAsync)
            .WithListResourceTemplatesHandler(McpHandlers.ListResourceTemplatesAsync)
            .WithReadResourceHandler(McpHandlers.ReadResourceAsync)
            .WithListPromptsHandler(McpHandlers.ListPromptsAsync)
            .WithGetPromptHandler(McpHandlers.GetPromptAsync);
        return builder;
    }

    public static WebApplication MapMcpAdapter(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Singletons, bound once: UseMiddleware<IMiddleware> would resolve them from the request's scope every time.
        var origins = app.Services.GetRequiredService<OriginGuard>();
        var gate = app.Services.GetRequiredService<McpGate>();
        var answers = app.Services.GetRequiredService<JsonAnswers>();
        app.Use((context, next) => origins.InvokeAsync(context, next));
        app.UseRevocationFeedGuard();
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use((context, next) => gate.InvokeAsync(context, next));
        app.Use((context, next) => answers.InvokeAsync(context, next));
        app.MapMcp("/mcp").RequireAuthorization();
        app.MapMcp("/agents/{agentId}/mcp").RequireAuthorization();

        var sse = app.Services.GetRequiredService<LegacySseEndpoints>();
        app.MapGet("/sse", sse.OpenAsync).RequireAuthorization();
        app.MapPost("/message", sse.PostAsync).RequireAuthorization().DisableAntiforgery();
        return app;
    }
}
