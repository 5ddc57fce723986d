namespace Facade.Mcp.Bridge.Cli;

/// <summary>A failure with a message meant for the user and the exit code that goes with it.</summary>
internal sealed class BridgeException(string message, int exitCode, Exception? innerException = null) : Exception(message, innerException)
{
    public int ExitCode { get; } = exitCode;
}
