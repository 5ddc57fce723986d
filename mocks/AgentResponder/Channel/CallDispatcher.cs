using System.Text.Json;
using System.Text.Json.Nodes;
using Facade.Mocks.AgentResponder.Hosting;
using Facade.Mocks.AgentResponder.Skills;
using Microsoft.Extensions.Options;

namespace Facade.Mocks.AgentResponder.Channel;

/// <summary>
/// Turns one <c>chat_message</c> into its <c>agent_reply</c> (README.md, "Agent channel"): waits the configured delay, fails
/// the calls the <see cref="FailurePlan"/> picks, otherwise answers with <see cref="SkillAnswers"/>. Transports call it
/// once per message, concurrently; at most <see cref="ResponderOptions.MaxConcurrentCalls"/> work at once.
/// </summary>
internal sealed partial class CallDispatcher : IDisposable
{
    private readonly ResponderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CallDispatcher> _logger;
    private readonly FailurePlan _failures;
    private readonly SemaphoreSlim _slots;
    private long _answered;

    public CallDispatcher(IOptions<ResponderOptions> options, TimeProvider time, ILogger<CallDispatcher> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _failures = new FailurePlan(_options.FailureRate);
        _slots = new SemaphoreSlim(_options.MaxConcurrentCalls);
    }

    /// <summary>Calls answered so far (for the health endpoint).</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>The reply to <paramref name="message"/>, or null when it is not a <c>chat_message</c> with an id (ignored).</summary>
    public async Task<JsonObject?> ReplyAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        ChatMessage? chat;
        try
        {
            chat = ChatMessage.Parse(message);
        }
        catch (JsonException)
        {
            chat = null;
        }

        if (chat is null)
        {
            LogIgnored(_logger);
            return null;
        }

        await _slots.WaitAsync(cancellationToken);
        try
        {
            if (_options.DelayMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(_options.DelayMs), _time, cancellationToken);
            }

            var outcome = _failures.NextFails()
                ? SkillOutcome.Failed($"simulated failure (failure rate {_options.FailureRate:0.##})")
                : SkillAnswers.Answer(chat.Tool, chat.Arguments);
            Interlocked.Increment(ref _answered);
            LogAnswered(_logger, chat.Id, chat.Tool, outcome.Error is null ? "result" : "error");
            var reply = new JsonObject { ["type"] = "agent_reply", ["id"] = chat.Id };
            if (outcome.Error is { } error)
            {
                reply["error"] = error;
            }
            else
            {
                reply["result"] = outcome.Result;
            }

            return reply;
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message that is not a chat_message with an id")]
    private static partial void LogIgnored(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} ({Tool}) answered with {Outcome}")]
    private static partial void LogAnswered(ILogger logger, string callId, string tool, string outcome);
}

/// <summary><c>{"type":"chat_message","id","tool","arguments","caller"}</c>; the caller is not needed to answer.</summary>
internal sealed record ChatMessage(string Id, string Tool, JsonElement Arguments)
{
    public static ChatMessage? Parse(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        var root = document.RootElement;
        return root.ValueKind == JsonValueKind.Object
            && Text(root, "type") == "chat_message" && Text(root, "id") is { Length: > 0 } id && Text(root, "tool") is { } tool
            ? new ChatMessage(id, tool, root.TryGetProperty("arguments", out var arguments) ? arguments.Clone() : default)
            : null;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
