using System.Globalization;
using System.Runtime.InteropServices;

namespace Facade.Bench.Machine;

/// <summary>CPU time and memory from <c>/proc</c>: system-wide busy time, per-process-tree CPU and RSS.</summary>
internal static partial class ProcStat
{
    /// <summary>USER_HZ: the unit of every tick count in /proc (100 on every Linux the harness targets).</summary>
    public const double TicksPerSecond = 100;

    public static int Cores { get; } = Environment.ProcessorCount;

    /// <summary>Busy and total ticks summed over all cores (<c>cpu</c> line of /proc/stat); idle and iowait count as idle.</summary>
    public static (long Busy, long Total) SystemTicks()
    {
        using var reader = new StreamReader("/proc/stat");
        var fields = reader.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        return (total - fields[3] - fields[4], total);
    }

    /// <summary>The 1, 5 and 15 minute load averages (<c>/proc/loadavg</c>), as the kernel prints them.</summary>
    public static string LoadAverage()
    {
        var fields = File.ReadAllText("/proc/loadavg").Split(' ');
        return $"{fields[0]} {fields[1]} {fields[2]}";
    }

    /// <summary>The 1 minute load average: runnable tasks, averaged (on 2 cores, 2 means fully busy).</summary>
    public static double Load1() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>utime + stime of one process in ticks; 0 when it is gone.</summary>
    public static long ProcessTicks(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? 0 : long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>Resident set size in KiB (VmRSS); 0 when the process is gone.</summary>
    public static long RssKiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The process and all its descendants (nginx workers, for one).</summary>
    public static List<int> Tree(int root)
    {
        var parents = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && StatFields(pid) is { } fields)
            {
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                (parents.TryGetValue(parent, out var children) ? children : parents[parent] = []).Add(pid);
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.GetValueOrDefault(tree[i]) ?? []);
        }

        return tree;
    }

    /// <summary>CPU ticks of every child process this process has waited for (wrk, once it has exited).</summary>
    public static long ReapedChildrenTicks()
    {
        if (GetRUsage(-1 /* RUSAGE_CHILDREN */, out var usage) != 0)
        {
            return 0;
        }

        var micros = (usage.UserSeconds + usage.SystemSeconds) * 1_000_000 + usage.UserMicros + usage.SystemMicros;
        return (long)(micros / (1_000_000 / TicksPerSecond));
    }

    /// <summary>Fields after the command name of /proc/pid/stat: [0] state, [1] ppid, … [11] utime, [12] stime.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRUsage(int who, out RUsage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicros;
        public long SystemSeconds;
        public long SystemMicros;
        public long MaxRss;
        public long IxRss;
        public long IdRss;
        public long IsRss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NVcsw;
        public long NIvcsw;
    }
}
