using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Facade.Bench.Servers;

namespace Facade.Bench.Machine;

/// <summary>What the numbers were measured on, for the table's header.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Memory, string Kernel, string Runtime, string Yarp, string OpenIddict,
    string Nginx, string Haproxy, string Wrk)
{
    /// <summary>Load averages (1, 5, 15 min) when the run started: how busy the machine was with other work.</summary>
    public string LoadAtStart { get; init; } = ProcStat.LoadAverage();

    /// <summary>Reads the machine; package versions come from the edge's own deps.json (what it really runs).</summary>
    public static async Task<MachineInfo> ReadAsync(string edgeDepsJson)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memKiB = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var memory = $"{double.Parse(memKiB, System.Globalization.CultureInfo.InvariantCulture) / 1024 / 1024:0.#} GiB";
        var kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        return new MachineInfo(cpu, Environment.ProcessorCount, memory, kernel,
            RuntimeInformation.FrameworkDescription,
            PackageVersion(edgeDepsJson, "Yarp.ReverseProxy"),
            PackageVersion(edgeDepsJson, "OpenIddict.AspNetCore"),
            VersionNumber(await Exec.VersionAsync("nginx", "-v")),
            VersionNumber(await Exec.VersionAsync("haproxy", "-v")),
            VersionNumber(await Exec.VersionAsync("wrk", "-v")));
    }

    /// <summary>The first dotted version number in a tool's banner (<c>wrk debian/4.1.0-3+b2 …</c> gives 4.1.0).</summary>
    private static string VersionNumber(string banner) =>
        Regex.Match(banner, @"\d+\.\d+(\.\d+)?") is { Success: true } match ? match.Value : banner;

    private static string PackageVersion(string depsJson, string package)
    {
        if (!File.Exists(depsJson))
        {
            return "unknown";
        }

        using var deps = JsonDocument.Parse(File.ReadAllText(depsJson));
        return deps.RootElement.GetProperty("libraries").EnumerateObject()
            .Select(l => l.Name.Split('/'))
            .FirstOrDefault(parts => parts[0] == package)?[1] ?? "unknown";
    }
}
