using Facade.McpAdapter.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Facade.McpAdapter.Mcp;

/// <summary>
/// Streamable HTTP lets a server answer a POST with one <c>application/json</c> document instead of an SSE stream when
/// the client accepts both (every revision the adapter serves). A stateless answer is nearly always just the response,
/// and one JSON body with its length costs both the adapter and the edge in front of it less than a streamed, chunked
/// event stream: fewer writes, no flushes, one piece to forward. <see cref="JsonAnswerBody"/> decides per request;
/// <see cref="AdapterOptions.JsonResponses"/> turns it off.
/// </summary>
internal sealed class JsonAnswers(IOptions<AdapterOptions> options) : IMiddleware
{
    private static readonly MediaTypeHeaderValue Json = MediaTypeHeaderValue.Parse("application/json");

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!options.Value.JsonResponses || !HttpMethods.IsPost(context.Request.Method)
            || !McpSurface.IsStreamablePath(context.Request.Path) || !AcceptsJson(context.Request))
        {
            await next(context);
            return;
        }

        var inner = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var body = new JsonAnswerBody(context.Response, inner);
        context.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await next(context);
            await body.FinishAsync(context.RequestAborted);
        }
        finally
        {
            context.Features.Set(inner);
        }
    }

    private static bool AcceptsJson(HttpRequest request)
    {
        foreach (var accepted in request.GetTypedHeaders().Accept)
        {
            if (accepted.Quality != 0 && Json.IsSubsetOf(accepted))
            {
                return true;
            }
        }

        return false;
    }
}
