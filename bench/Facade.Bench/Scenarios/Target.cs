using Facade.Bench.Load;
using Facade.Bench.Servers;

namespace Facade.Bench.Scenarios;

/// <summary>
/// Something measured: a server under a given load. <see cref="Run"/> drives it for a duration at a concurrency;
/// <see cref="Server"/> is whose CPU and memory are charged to it. A rejection target expects every answer to be an
/// error status (the 401s of scenario 4); every other target expects only 2xx. A <see cref="Companion"/> (the MCP
/// adapter behind the edge) has its CPU per request reported separately.
/// </summary>
internal sealed record Target(string Name, ServerProcess Server, Func<int, TimeSpan, Task<LoadResult>> Run, bool ExpectRejection = false)
{
    public ServerProcess? Companion { get; init; }

    /// <summary>Longer warm-up than the default, for targets that run much more code (the token endpoint).</summary>
    public TimeSpan? Warmup { get; init; }

    public static Target Wrk(string name, ServerProcess server, IReadOnlyList<RequestSpec> requests, string scriptFolder, bool expectRejection = false) =>
        new(name, server, (connections, duration) => Load.Wrk.RunAsync(server.BaseUrl, requests, connections, duration, scriptFolder), expectRejection);
}
