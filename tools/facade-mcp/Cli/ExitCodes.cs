namespace Facade.Mcp.Bridge.Cli;

/// <summary>Process exit codes (sysexits.h numbers where one fits), so wrappers can tell the failures apart.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Anything else that went wrong.</summary>
    public const int Failure = 1;

    /// <summary>Bad command line or environment (EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>The edge could not be reached (EX_UNAVAILABLE).</summary>
    public const int Unavailable = 69;

    /// <summary>The edge refused the token, or signing in failed (EX_NOPERM).</summary>
    public const int Unauthorized = 77;
}
