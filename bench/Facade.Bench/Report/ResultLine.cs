using System.Globalization;
using Facade.Bench.Scenarios;

namespace Facade.Bench.Report;

/// <summary>
/// The last line of every run, for scripts: ratios of requests per second at the first concurrency level (64) (a user
/// key against the OAuth token, the channel-backed MCP tool against the REST-backed one among them), the
/// p99 latency the edge adds over plain YARP, the channel tool's p99, refresh grants per second, the edge's largest RSS (and after the REST runs against plain YARP's, and after the token runs), the cold start (process start to the first proxied 200), the signing algorithm, and MQTT telemetry ingest
/// (messages stored per second, lost, ack p99, mosquitto's rate and the ratio, one device's day at 1m: p50 and p99).
/// </summary>
internal static class ResultLine
{
    public static string Render(Measurer measurer, int connections, IngestResult? ingest = null, string signing = "RS256", double? coldStartMs = null, RealtimeResult? realtime = null)
    {
        double? Rps(string target) => measurer.Find(target, connections)?.Rps;
        double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;

        var facade = measurer.Find(Targets.Facade, connections);
        var yarp = measurer.Find(Targets.Yarp, connections);
        var refresh = measurer.Measurements.Where(m => m.Target == TokenScenario.RefreshTarget).ToList();
        var edgeRuns = measurer.Measurements.Where(m => m.Server == Targets.Facade).ToList();
        double? MaxRss(Func<Measurement, bool> which) => measurer.Measurements.Where(which).Select(m => m.RssMiB).DefaultIfEmpty().Max() is var max and > 0 ? max : null;
        var edgeRestRss = MaxRss(m => m.Target is Targets.Facade or Targets.FacadeKey);
        var yarpRss = MaxRss(m => m.Target == Targets.Yarp);
        var edgeTokenRss = MaxRss(m => m.Target is TokenScenario.RefreshTarget or TokenScenario.CodeFlowTarget);

        var fields = new (string Name, string Value)[]
        {
            ("facade_vs_yarp", Format(Ratio(Rps(Targets.Facade), Rps(Targets.Yarp)), "0.00")),
            ("facade_vs_nginx", Format(Ratio(Rps(Targets.Facade), Rps(Targets.Nginx)), "0.00")),
            ("facade_vs_haproxy_jwt", Format(Ratio(Rps(Targets.Facade), Rps(Targets.Haproxy)), "0.00")),
            ("p99_added_ms", Format(facade is not null && yarp is not null ? facade.P99Ms - yarp.P99Ms : null, "0.00")),
            ("mcp_vs_rest", Format(Ratio(Rps(Targets.FacadeMcp), Rps(Targets.Facade)), "0.00")),
            ("key_vs_jwt", Format(Ratio(Rps(Targets.FacadeKey), Rps(Targets.Facade)), "0.00")),
            ("channel_vs_mcp", Format(Ratio(Rps(Targets.FacadeMcpChannel), Rps(Targets.FacadeMcp)), "0.00")),
            ("channel_p99_ms", Format(measurer.Find(Targets.FacadeMcpChannel, connections)?.P99Ms, "0.00")),
            ("refresh_per_s", Format(refresh.Count > 0 ? Summary.Median(refresh.Select(m => m.Load.Rps)) : null, "0")),
            ("forged_vs_yarp", Format(Ratio(Rps(Targets.FacadeForged), Rps(Targets.Yarp)), "0.00")),
            ("edge_rss_mb", Format(edgeRuns.Count > 0 ? edgeRuns.Max(m => m.RssMiB) : null, "0")),
            ("edge_rss_rest_mb", Format(edgeRestRss, "0")),
            ("yarp_rss_mb", Format(yarpRss, "0")),
            ("rss_vs_yarp", Format(Ratio(edgeRestRss, yarpRss), "0.00")),
            ("edge_rss_token_mb", Format(edgeTokenRss, "0")),
            ("cold_start_ms", Format(coldStartMs, "0")),
            ("signing", signing),
            ("realtime_kib_per_socket", Format(realtime?.KiBPerSocket, "0.0")),
            ("realtime_fanout_p99_ms", Format(realtime?.P99Ms, "0.0")),
            ("realtime_delivered", Format(realtime?.DeliveredShare, "0.000")),
            ("ingest_msgs_per_s", Format(ingest?.Median(IngestResult.Facade, r => r.MessagesPerSecond), "0")),
            ("ingest_lost", Format(ingest?.Lost, "0")),
            ("ingest_p99_ms", Format(ingest?.Median(IngestResult.Facade, r => r.P99Ms), "0.00")),
            ("mosquitto_msgs_per_s", Format(ingest?.Median(IngestResult.Mosquitto, r => r.MessagesPerSecond), "0")),
            ("ingest_vs_mosquitto", Format(ingest?.VersusMosquitto, "0.00")),
            ("history_1m_ms", Format(ingest?.HistoryP50Ms, "0.00")),
            ("history_1m_p99_ms", Format(ingest?.HistoryP99Ms, "0.00")),
        };
        return "RESULT " + string.Join(' ', fields.Select(f => $"{f.Name}={f.Value}"));
    }

    private static string Format(double? value, string format) =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
