using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Facade.Mocks.AgentResponder.Hosting;
using Facade.Mocks.AgentResponder.Skills;

namespace Facade.Mocks.AgentResponder.Channel;

/// <summary>
/// The agent's channel for runtimes that cannot speak MQTT (README.md, "Agent channel", REST): through the edge, with the
/// key in <c>X-Agent-API-Key</c>; announces its skills to <c>/channels/{id}/replies</c>, then long-polls
/// <c>/channels/{id}/wait</c> and answers every message it gets there, without waiting for one answer before the next poll.
/// </summary>
internal sealed partial class RestChannel(ResponderOptions options, string key, HttpClient http, CallDispatcher dispatcher, ChannelState state, TimeProvider time, ILogger logger)
{
    public const string KeyHeader = "X-Agent-API-Key";

    public async Task RunAsync(CancellationToken stopping)
    {
        var backoff = new Backoff(options);
        var announced = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (!announced)
                {
                    announced = await PostAsync("replies", SkillCatalog.SkillsMessage(), stopping);
                    if (!announced)
                    {
                        await backoff.WaitAsync(time, stopping);
                        continue;
                    }

                    LogAnnounced(logger, options.AgentId, options.EdgeUrl);
                }

                using var request = Request(HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"channels/{options.AgentId}/wait?timeoutSeconds={options.WaitSeconds}"));
                using var response = await http.SendAsync(request, stopping);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    state.Set(true);
                    backoff.Reset();
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    state.Set(false);
                    LogRefused(logger, options.AgentId, (int)response.StatusCode);
                    announced = false;
                    await backoff.WaitAsync(time, stopping);
                    continue;
                }

                state.Set(true);
                backoff.Reset();
                var message = await response.Content.ReadAsByteArrayAsync(stopping);
                _ = AnswerAsync(message, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                state.Set(false);
                announced = false;
                LogUnreachable(logger, options.AgentId, options.EdgeUrl, e.GetType().Name);
                try
                {
                    await backoff.WaitAsync(time, stopping);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        state.Set(false);
    }

    private async Task AnswerAsync(byte[] message, CancellationToken stopping)
    {
        try
        {
            if (await dispatcher.ReplyAsync(message, stopping) is { } reply && !await PostAsync("replies", reply, stopping))
            {
                LogReplyLost(logger, options.AgentId, "refused");
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            LogReplyLost(logger, options.AgentId, e.GetType().Name);
        }
    }

    private async Task<bool> PostAsync(string what, JsonObject message, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, $"channels/{options.AgentId}/{what}");
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(message));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            LogRefused(logger, options.AgentId, (int)response.StatusCode);
        }

        return response.IsSuccessStatusCode;
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(options.EdgeUrl, path));
        request.Headers.TryAddWithoutValidation(KeyHeader, key);
        return request;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} announced its skills through {Edge} and waits for calls")]
    private static partial void LogAnnounced(ILogger logger, string agentId, Uri edge);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId}: the edge answered HTTP {Status}")]
    private static partial void LogRefused(ILogger logger, string agentId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId}: edge {Edge} unreachable ({Reason})")]
    private static partial void LogUnreachable(ILogger logger, string agentId, Uri edge, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId}: a reply could not be sent ({Reason})")]
    private static partial void LogReplyLost(ILogger logger, string agentId, string reason);
}
