using System.Runtime.InteropServices;

namespace Facade.DeviceEdge.Mosquitto;

/// <summary>
/// Sends a signal to a process (<c>kill(2)</c>): .NET can handle signals (<see cref="PosixSignalRegistration"/>) but
/// sends none except SIGKILL. SIGHUP makes mosquitto reload its configuration, password and ACL files.
/// </summary>
internal static class PosixSignals
{
    public const int Hangup = 1;
    public const int Terminate = 15;

    /// <summary>True when the signal was delivered; otherwise <paramref name="error"/> is the errno (ESRCH: no such process, EPERM: not allowed).</summary>
    public static bool TrySend(int processId, int signal, out int error)
    {
        if (OperatingSystem.IsWindows() || processId <= 0)
        {
            error = 0;
            return false;
        }

        if (Kill(processId, signal) == 0)
        {
            error = 0;
            return true;
        }

        error = Marshal.GetLastPInvokeError();
        return false;
    }

    // DllImport rather than LibraryImport: with only int arguments nothing needs marshalling code, and LibraryImport
    // would need unsafe code enabled for the whole project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int processId, int signal);
}
