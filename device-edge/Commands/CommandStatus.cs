namespace Facade.DeviceEdge.Commands;

/// <summary>Where a command is: <c>pending → delivered → acknowledged | failed | timed_out</c>.</summary>
internal enum CommandStatus
{
    /// <summary>Stored; not yet known to have reached the device (it may be offline).</summary>
    Pending,

    /// <summary>The device received it (its PUBACK), and has not answered yet.</summary>
    Delivered,

    /// <summary>The device answered <c>ok</c>.</summary>
    Acknowledged,

    /// <summary>The device answered <c>error</c> (or an answer that could not be read).</summary>
    Failed,

    /// <summary>No answer before <c>expiresAt</c>.</summary>
    TimedOut,
}

internal static class CommandStatuses
{
    /// <summary>The states a command can still leave: it may be (re)sent, and an answer is still taken.</summary>
    public static readonly CommandStatus[] Open = [CommandStatus.Pending, CommandStatus.Delivered];

    public static bool IsTerminal(CommandStatus status) => status is not (CommandStatus.Pending or CommandStatus.Delivered);

    /// <summary>The name in the API and the database.</summary>
    public static string Name(CommandStatus status) => status switch
    {
        CommandStatus.Pending => "pending",
        CommandStatus.Delivered => "delivered",
        CommandStatus.Acknowledged => "acknowledged",
        CommandStatus.Failed => "failed",
        CommandStatus.TimedOut => "timed_out",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static CommandStatus Parse(string name) => name switch
    {
        "pending" => CommandStatus.Pending,
        "delivered" => CommandStatus.Delivered,
        "acknowledged" => CommandStatus.Acknowledged,
        "failed" => CommandStatus.Failed,
        "timed_out" => CommandStatus.TimedOut,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
