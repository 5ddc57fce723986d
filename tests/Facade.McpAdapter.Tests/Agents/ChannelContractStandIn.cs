using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Facade.McpAdapter.Tests.Agents;

/// <summary>
/// A CONTRACT STAND-IN for the device edge's agent channel, not the device edge: only the two endpoints the adapter
/// calls, answering exactly as README.md ("Agent channel") specifies, on Kestrel at 127.0.0.1:
/// <c>POST /agents/{id}/calls</c> (200 <c>{result}</c> | 200 <c>{error}</c> | 504/502 <c>{error, error_description}</c>)
/// and <c>GET /agents/{id}/skills</c> (<c>{version, skills, online}</c>). Tests set what it answers and read what it
/// received. ChannelEndToEndTests.cs runs the same calls against the real device edge and a real runtime.
/// </summary>
internal sealed class ChannelContractStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ChannelContractStandIn(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Every call received: agent id, the Authorization header, and the body.</summary>
    public ConcurrentQueue<ReceivedCall> Calls { get; } = new();

    /// <summary>The Authorization header of every skills request, in order.</summary>
    public ConcurrentQueue<string> SkillRequests { get; } = new();

    /// <summary>What a call is answered with: status code and JSON body. Default: the arguments echoed as the result.</summary>
    public Func<ReceivedCall, (int Status, string Body)> Answer { get; set; } = call => (200, $$$"""{"result":{"echo":{{{call.Body.GetProperty("arguments").GetRawText()}}}}}""");

    /// <summary>The skills document (<c>{version, skills, online}</c>).</summary>
    public string Skills { get; set; } = """{"version":0,"skills":[],"online":false}""";

    public static async Task<ChannelContractStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        ChannelContractStandIn? standIn = null;
        app.MapPost("/agents/{agentId}/calls", async (string agentId, HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var call = new ReceivedCall(agentId, context.Request.Headers.Authorization.ToString(), body.RootElement.Clone());
            standIn!.Calls.Enqueue(call);
            var (status, answer) = standIn.Answer(call);
            return Results.Content(answer, "application/json", statusCode: status);
        });
        app.MapGet("/agents/{agentId}/skills", (HttpContext context) =>
        {
            standIn!.SkillRequests.Enqueue(context.Request.Headers.Authorization.ToString());
            return Results.Content(standIn.Skills, "application/json");
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        standIn = new ChannelContractStandIn(app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
        return standIn;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

internal sealed record ReceivedCall(string AgentId, string Authorization, JsonElement Body);
