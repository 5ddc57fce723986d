using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Agents;

/// <summary>
/// The agent channel in memory: per agent, the calls in flight matched by id (many at once), a bounded queue of calls
/// no runtime has taken yet, the runtimes there now (MQTT connections subscribed to the inbox, REST long-polls) and the
/// skills board. A caller waits on its call until the reply, the timeout (<see cref="TimeProvider"/>), or the loss of
/// every runtime it was handed to — never longer. Nothing is persisted: a call lives as long as its waiting caller.
/// </summary>
internal sealed partial class AgentCallHub(IOptions<AgentOptions> options, TimeProvider time, ILogger<AgentCallHub> logger)
{
    public const string DisconnectedReason = "the agent's runtime disconnected";
    public const string RestartedReason = "the agent's runtime restarted";

    private readonly ConcurrentDictionary<string, AgentState> _agents = new(StringComparer.Ordinal);
    private Func<string, byte[], Task>? _inbox;

    /// <summary>
    /// The embedded broker's publisher to <c>agents/{id}/inbox</c>, set when the broker starts (never in external mode:
    /// there runtimes use the REST form).
    /// </summary>
    public void AttachInbox(Func<string, byte[], Task> publish) => _inbox = publish;

    /// <summary>Publishes the call to a subscribed runtime, hands it to a waiting REST runtime, or queues it; then waits.</summary>
    public async Task<CallOutcome> CallAsync(string agentId, string tool, JsonElement arguments, CallCaller caller, TimeSpan timeout, CancellationToken aborted)
    {
        if (!_agents.TryGetValue(agentId, out var state) && _agents.Count >= options.Value.MaxAgents)
        {
            // Any caller may name any agent id: without this bound, made-up ids would each keep a record for ever.
            return new CallOutcome(CallOutcomeKind.Full, Message: $"The channel already tracks {_agents.Count} agents; retry later.");
        }

        state ??= State(agentId);
        var id = "call_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var call = new AgentCall(id, ChannelMessages.ChatMessage(id, tool, arguments, caller));
        var publish = false;
        lock (state.Gate)
        {
            if (state.Calls.Count >= options.Value.MaxCallsInFlight)
            {
                return new CallOutcome(CallOutcomeKind.Full, Message: $"The agent '{agentId}' already has {state.Calls.Count} calls in flight; retry later.");
            }

            if (state.Waiters.First is { } waiter)
            {
                state.Waiters.RemoveFirst();
                Hand(state, call, state.Rest);
                waiter.Value.SetResult(call);
            }
            else if (_inbox is not null && state.Runtimes.Any(r => r.Subscribed))
            {
                foreach (var runtime in state.Runtimes.Where(r => r.Subscribed))
                {
                    Hand(state, call, runtime);
                }

                publish = true;
            }
            else if (state.Queue.Count >= options.Value.MaxQueuedCalls)
            {
                return new CallOutcome(CallOutcomeKind.Full, Message: $"The agent '{agentId}' already has {state.Queue.Count} calls waiting for its runtime; retry later.");
            }
            else
            {
                call.QueueNode = state.Queue.AddLast(call);
            }

            state.Calls[id] = call;
        }

        try
        {
            if (publish)
            {
                await PublishAsync(agentId, [call]);
            }

            return await call.Done.Task.WaitAsync(timeout, time, aborted);
        }
        catch (TimeoutException)
        {
            lock (state.Gate)
            {
                var busy = call.WasHanded || IsOnline(state);
                return new CallOutcome(CallOutcomeKind.Timeout, Message: busy ? "runtime busy" : "no runtime connected");
            }
        }
        finally
        {
            lock (state.Gate)
            {
                state.Calls.Remove(id);
                if (call.QueueNode is { } queued)
                {
                    state.Queue.Remove(queued);
                    call.QueueNode = null;
                }
            }
        }
    }

    /// <summary>
    /// The REST runtime's long-poll: the next call (its <c>chat_message</c>) queued or arriving within
    /// <paramref name="timeout"/>, or null. A call taken while the request was being aborted goes back to the queue's head.
    /// </summary>
    public async Task<byte[]?> WaitAsync(string agentId, TimeSpan timeout, CancellationToken aborted)
    {
        var state = State(agentId);
        var taken = new TaskCompletionSource<AgentCall>(TaskCreationOptions.RunContinuationsAsynchronously);
        LinkedListNode<TaskCompletionSource<AgentCall>> node;
        lock (state.Gate)
        {
            state.RestSeen = time.GetUtcNow();
            if (state.Queue.First is { } next)
            {
                Hand(state, next.Value, state.Rest);
                return next.Value.Message;
            }

            state.RestWaiting++;
            node = state.Waiters.AddLast(taken);
        }

        try
        {
            await taken.Task.WaitAsync(timeout, time, aborted);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            // Decided below, under the lock: a call may have been handed over at the same moment.
        }

        lock (state.Gate)
        {
            state.RestWaiting--;
            state.RestSeen = time.GetUtcNow();
            if (!taken.Task.IsCompleted)
            {
                state.Waiters.Remove(node);
                aborted.ThrowIfCancellationRequested();
                return null;
            }

            var call = taken.Task.Result;
            if (!aborted.IsCancellationRequested)
            {
                return call.Message;
            }

            // Nobody will read it: give it back unless it finished meanwhile.
            if (state.Calls.ContainsKey(call.Id) && call.HandedTo.Remove(state.Rest) && call.HandedTo.Count == 0)
            {
                call.WasHanded = false;
                call.QueueNode = state.Queue.AddFirst(call);
            }

            aborted.ThrowIfCancellationRequested();
            return null;
        }
    }

    /// <summary>An MQTT runtime connected (it is online; calls reach it once it subscribes to its inbox).</summary>
    public void Connected(AgentRuntime runtime)
    {
        var state = State(runtime.AgentId);
        lock (state.Gate)
        {
            runtime.Connected = true;
            state.Runtimes.Add(runtime);
        }
    }

    /// <summary>The runtime subscribed to its inbox: the queued calls are published to it now.</summary>
    public async Task SubscribedAsync(AgentRuntime runtime)
    {
        var state = State(runtime.AgentId);
        List<AgentCall> queued;
        lock (state.Gate)
        {
            if (!runtime.Connected || _inbox is null)
            {
                return;
            }

            runtime.Subscribed = true;
            queued = [.. state.Queue];
            foreach (var call in queued)
            {
                Hand(state, call, runtime);
            }
        }

        if (queued.Count > 0)
        {
            await PublishAsync(runtime.AgentId, queued);
        }
    }

    public void Unsubscribed(AgentRuntime runtime)
    {
        var state = State(runtime.AgentId);
        lock (state.Gate)
        {
            runtime.Subscribed = false;
        }
    }

    /// <summary>The runtime is gone (disconnected, token revoked or expired): the calls only it had fail at once.</summary>
    public void Gone(AgentRuntime runtime)
    {
        var state = State(runtime.AgentId);
        lock (state.Gate)
        {
            runtime.Connected = runtime.Subscribed = false;
            state.Runtimes.Remove(runtime);
            FailHandedTo(state, runtime, DisconnectedReason);
        }
    }

    /// <summary>A message from one of the agent's runtimes: a reply completes its call, skills update the board.</summary>
    public void Receive(AgentRuntime runtime, RuntimeMessage message)
    {
        var state = State(runtime.AgentId);
        if (runtime is RestAgentRuntime)
        {
            lock (state.Gate)
            {
                state.RestSeen = time.GetUtcNow(); // A REST runtime is seen when it waits or sends.
            }
        }

        switch (message)
        {
            case AgentReply reply:
                lock (state.Gate)
                {
                    if (state.Calls.TryGetValue(reply.Id, out var call))
                    {
                        call.Done.TrySetResult(reply.Error is null
                            ? new CallOutcome(CallOutcomeKind.Result, reply.Result)
                            : new CallOutcome(CallOutcomeKind.AgentError, Message: reply.Error));
                        return;
                    }
                }

                LogUnknownReply(logger, runtime.AgentId);
                return;
            case SkillsAnnouncement skills:
                lock (state.Gate)
                {
                    if (runtime.Announced || runtime.EveryAnnouncementIsARestart)
                    {
                        FailHandedTo(state, runtime, RestartedReason);
                    }

                    runtime.Announced = true;
                    if (skills.SkillsJson != state.SkillsJson)
                    {
                        state.SkillsJson = skills.SkillsJson;
                        state.Skills = JsonDocument.Parse(skills.SkillsJson).RootElement.Clone();
                        state.Version = Math.Max(state.Version + 1, time.GetUtcNow().ToUnixTimeMilliseconds());
                        LogSkillsChanged(logger, runtime.AgentId, state.Skills.GetArrayLength(), state.Version);
                    }
                }

                return;
        }
    }

    /// <summary>The REST runtime of <paramref name="agentId"/> (one per agent), for its replies.</summary>
    public AgentRuntime Rest(string agentId) => State(agentId).Rest;

    public AgentSkills Skills(string agentId)
    {
        // Asking about an agent no runtime or call ever named keeps no record of it.
        if (!_agents.TryGetValue(agentId, out var state))
        {
            return new AgentSkills(0, EmptySkills, Online: false);
        }

        lock (state.Gate)
        {
            return new AgentSkills(state.Version, state.Skills, IsOnline(state));
        }
    }

    private static void Hand(AgentState state, AgentCall call, AgentRuntime runtime)
    {
        if (call.QueueNode is { } node)
        {
            state.Queue.Remove(node);
            call.QueueNode = null;
        }

        call.HandedTo.Add(runtime);
        call.WasHanded = true;
    }

    private static void FailHandedTo(AgentState state, AgentRuntime runtime, string reason)
    {
        foreach (var call in state.Calls.Values)
        {
            if (call.HandedTo.Remove(runtime) && call.HandedTo.Count == 0)
            {
                call.Done.TrySetResult(new CallOutcome(CallOutcomeKind.RuntimeLost, Message: reason));
            }
        }
    }

    private bool IsOnline(AgentState state) =>
        state.Runtimes.Count > 0 || state.RestWaiting > 0
        || (state.RestSeen is { } seen && time.GetUtcNow() - seen < options.Value.RestRuntimePresence);

    private async Task PublishAsync(string agentId, List<AgentCall> calls)
    {
        foreach (var call in calls)
        {
            try
            {
                await _inbox!(agentId, call.Message);
            }
            catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException)
            {
                // The broker is stopping: the call ends with its timeout (or its runtime's disconnect).
                LogPublishFailed(logger, agentId, exception.GetType().Name);
            }
        }
    }

    private static readonly JsonElement EmptySkills = JsonDocument.Parse("[]").RootElement.Clone();

    private AgentState State(string agentId) => _agents.GetOrAdd(agentId, id => new AgentState(id));

    private sealed class AgentState(string agentId)
    {
        public Lock Gate { get; } = new();
        public Dictionary<string, AgentCall> Calls { get; } = new(StringComparer.Ordinal);
        public LinkedList<AgentCall> Queue { get; } = new();
        public LinkedList<TaskCompletionSource<AgentCall>> Waiters { get; } = new();
        public List<AgentRuntime> Runtimes { get; } = [];
        public RestAgentRuntime Rest { get; } = new(agentId);
        public int RestWaiting { get; set; }
        public DateTimeOffset? RestSeen { get; set; }
        public string SkillsJson { get; set; } = "[]";
        public JsonElement Skills { get; set; } = EmptySkills;
        public long Version { get; set; }
    }

    private sealed class AgentCall(string id, byte[] message)
    {
        public string Id { get; } = id;
        public byte[] Message { get; } = message;
        public TaskCompletionSource<CallOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The runtimes that received it and have not answered; empty while it is queued.</summary>
        public List<AgentRuntime> HandedTo { get; } = [];
        public bool WasHanded { get; set; }
        public LinkedListNode<AgentCall>? QueueNode { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agent {AgentId}: a reply to an unknown or finished call was ignored")]
    private static partial void LogUnknownReply(ILogger logger, string agentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} announced {Count} skills (version {Version})")]
    private static partial void LogSkillsChanged(ILogger logger, string agentId, int count, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId}: a call could not be published to its inbox ({Error})")]
    private static partial void LogPublishFailed(ILogger logger, string agentId, string error);
}
