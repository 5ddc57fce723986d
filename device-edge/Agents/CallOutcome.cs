using System.Text.Json;

namespace Facade.DeviceEdge.Agents;

internal enum CallOutcomeKind
{
    /// <summary>The agent answered with a result.</summary>
    Result,

    /// <summary>The agent answered with an error message.</summary>
    AgentError,

    /// <summary>No answer within the call's timeout.</summary>
    Timeout,

    /// <summary>Every runtime the call was handed to disconnected or restarted before answering.</summary>
    RuntimeLost,

    /// <summary>The agent has too many calls queued or in flight.</summary>
    Full,
}

/// <summary>How a call ended; <see cref="Message"/> is the agent's error or why the hub gave up.</summary>
internal sealed record CallOutcome(CallOutcomeKind Kind, JsonElement? Result = null, string? Message = null);

/// <summary>An agent's announced skills, the announcement's version and whether a runtime is there now.</summary>
internal sealed record AgentSkills(long Version, JsonElement Skills, bool Online);
