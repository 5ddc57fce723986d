using System.Net;
using System.Text.Json;

namespace Facade.McpAdapter.Backend;

/// <summary>
/// The device edge's answer to <c>POST /agents/{id}/calls</c> as a tool result (README.md, "Agent channel"): <c>{"result": …}</c>
/// is the agent's answer (a string as it is, anything else as JSON; an object also as structured content);
/// <c>{"error": …}</c>, 504 and 502 become error results the model can read; every other status is told like any backend's.
/// </summary>
internal static class ChannelReplies
{
    public static BackendResult Read(BackendDefinition backend, ChannelTarget channel, HttpStatusCode status, byte[] content, TimeSpan? retryAfter)
    {
        var code = (int)status;
        if (status is HttpStatusCode.GatewayTimeout or HttpStatusCode.BadGateway)
        {
            var description = BackendMessages.Describe(content)
                ?? (status == HttpStatusCode.GatewayTimeout
                    ? $"The agent '{channel.AgentId}' did not answer within {channel.TimeoutSeconds} s."
                    : $"The agent '{channel.AgentId}' lost its runtime before answering.");
            return BackendResult.Error(BackendFailure.AgentUnavailable, description, code);
        }

        if (code is < 200 or >= 300)
        {
            return BackendMessages.ForStatus(backend, status, content, retryAfter);
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
            {
                var message = error.ValueKind == JsonValueKind.String ? error.GetString() : error.GetRawText();
                return BackendResult.Error(BackendFailure.AgentError, $"The agent '{channel.AgentId}' answered with an error: {message}", code);
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("result", out var result))
            {
                return new BackendResult
                {
                    IsError = false,
                    StatusCode = code,
                    Text = result.ValueKind == JsonValueKind.String ? result.GetString()! : JsonSerializer.Serialize(result, BackendInvoker.PrettyJson),
                    Structured = result.ValueKind == JsonValueKind.String ? null : result.Clone(),
                    MediaType = result.ValueKind == JsonValueKind.String ? "text/plain" : "application/json",
                };
            }
        }
        catch (JsonException)
        {
            // Reported below like a reply of the wrong shape.
        }

        return BackendResult.Error(BackendFailure.UnexpectedResponse, $"The {backend.Title} backend's answer for the agent '{channel.AgentId}' has neither 'result' nor 'error' (HTTP {code}).", code);
    }
}
