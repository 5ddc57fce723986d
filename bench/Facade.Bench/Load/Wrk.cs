using System.Globalization;
using System.Text;
using System.Text.Json;
using Facade.Bench.Servers;

namespace Facade.Bench.Load;

/// <summary>
/// Drives wrk (2 threads, keep-alive, HTTP/1.1) with a generated Lua script: one fixed request, or a pool of requests
/// sent round-robin (distinct forged tokens, say). The script's <c>done</c> hook prints the figures as one JSON line.
/// </summary>
internal static class Wrk
{
    private const string Marker = "WRK_RESULT ";

    public static async Task<LoadResult> RunAsync(Uri target, IReadOnlyList<RequestSpec> requests, int connections, TimeSpan duration, string scriptFolder)
    {
        var script = Path.Combine(scriptFolder, $"wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, Script(requests));
        try
        {
            var threads = Math.Min(2, connections);
            var seconds = Math.Max(1, (int)Math.Round(duration.TotalSeconds));
            var (exit, output) = await Exec.RunAsync("wrk",
            [
                "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-d", seconds.ToString(CultureInfo.InvariantCulture) + "s", "--timeout", "5s", "-s", script, target.AbsoluteUri,
            ], timeout: duration + TimeSpan.FromSeconds(30));
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
            if (exit != 0 || line is null)
            {
                throw new InvalidOperationException($"wrk failed ({exit}):\n{output}");
            }

            var json = JsonDocument.Parse(line[Marker.Length..]).RootElement;
            double Number(string name) => json.GetProperty(name).GetDouble();
            return new LoadResult(
                Requests: (long)Number("requests"),
                Seconds: Number("duration_us") / 1e6,
                StatusErrors: (long)Number("status"),
                SocketErrors: (long)(Number("connect") + Number("read") + Number("write") + Number("timeout")),
                P50Ms: Number("p50_us") / 1000,
                P99Ms: Number("p99_us") / 1000);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static string Script(IReadOnlyList<RequestSpec> requests)
    {
        var lua = new StringBuilder();
        if (requests.Count == 1)
        {
            // A fixed request: wrk formats it once and never calls into Lua per request.
            var request = requests[0];
            lua.Append(CultureInfo.InvariantCulture, $"wrk.method = {Quote(request.Method)}\nwrk.path = {Quote(request.Path)}\n");
            foreach (var (name, value) in request.Headers)
            {
                lua.Append(CultureInfo.InvariantCulture, $"wrk.headers[ {Quote(name)} ] = {Quote(value)}\n");
            }

            if (request.Body is not null)
            {
                lua.Append(CultureInfo.InvariantCulture, $"wrk.body = {Quote(request.Body)}\n");
            }
        }
        else
        {
            lua.Append("local pool = {}\nlocal cursor = 0\ninit = function(args)\n");
            foreach (var request in requests)
            {
                var headers = string.Join(", ", request.Headers.Select(h => $"[ {Quote(h.Key)} ] = {Quote(h.Value)}"));
                var body = request.Body is null ? "nil" : Quote(request.Body);
                lua.Append(CultureInfo.InvariantCulture, $"  pool[#pool + 1] = wrk.format({Quote(request.Method)}, {Quote(request.Path)}, {{ {headers} }}, {body})\n");
            }

            lua.Append("end\nrequest = function()\n  cursor = cursor % #pool + 1\n  return pool[cursor]\nend\n");
        }

        lua.Append("""
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format('WRK_RESULT {"requests":%.0f,"duration_us":%.0f,"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f,"p50_us":%.0f,"p99_us":%.0f}\n',
                summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99)))
            end

            """);
        return lua.ToString();
    }

    /// <summary>A Lua long-bracket string literal, safe for any content without escaping.</summary>
    private static string Quote(string value)
    {
        var level = 0;
        while (value.Contains("]" + new string('=', level) + "]", StringComparison.Ordinal))
        {
            level++;
        }

        var equals = new string('=', level);
        return $"[{equals}[{value}]{equals}]";
    }
}
