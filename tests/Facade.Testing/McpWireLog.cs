using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Facade.Testing;

/// <summary>One HTTP request as the MCP adapter received it (after the edge): what a wire assertion needs.</summary>
public sealed record McpWireRequest(
    string HttpMethod,
    string Path,
    string? ProtocolVersionHeader,
    string? McpMethodHeader,
    string? McpNameHeader,
    string? SessionIdHeader,
    IReadOnlyList<string> JsonRpcMethods,
    int Status);

/// <summary>
/// Records every request the MCP adapter receives, body methods included, for tests that assert what a client really
/// sent. Opt-in (<see cref="FacadeStack.Start"/>'s <c>recordAdapterRequests</c>): reading the body up front would
/// change how the adapter's own body limits behave for every other test.
/// </summary>
public sealed class McpWireLog
{
    private readonly ConcurrentQueue<McpWireRequest> _requests = new();

    public IReadOnlyList<McpWireRequest> Requests => [.. _requests];

    /// <summary>Requests whose body carried the given JSON-RPC method.</summary>
    public IReadOnlyList<McpWireRequest> WithMethod(string method) => [.. _requests.Where(r => r.JsonRpcMethods.Contains(method))];

    internal IStartupFilter StartupFilter() => new Filter(this);

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        var methods = await ReadMethodsAsync(context.Request);
        var recorded = 0;
        void Record()
        {
            if (Interlocked.Exchange(ref recorded, 1) == 1)
            {
                return;
            }

            var headers = context.Request.Headers;
            _requests.Enqueue(new McpWireRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                Header(headers, "MCP-Protocol-Version"),
                Header(headers, "Mcp-Method"),
                Header(headers, "Mcp-Name"),
                Header(headers, "Mcp-Session-Id"),
                methods,
                context.Response.StatusCode));
        }

        // Recorded as the answer starts, before the client can see it: an SSE stream stays open long after that.
        context.Response.OnStarting(() =>
        {
            Record();
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            Record();
        }
    }

    private static async Task<IReadOnlyList<string>> ReadMethodsAsync(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return [];
        }

        request.EnableBuffering();
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            var messages = document.RootElement.ValueKind == JsonValueKind.Array ? [.. document.RootElement.EnumerateArray()] : new[] { document.RootElement };
            return [.. messages
                .Where(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String)
                .Select(m => m.GetProperty("method").GetString()!)];
        }
        catch (JsonException)
        {
            return [];
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var value) ? value.ToString() : null;

    private sealed class Filter(McpWireLog log) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(log.RecordAsync);
            next(app);
        };
    }
}
