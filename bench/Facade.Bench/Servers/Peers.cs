using System.Globalization;
using System.Text.RegularExpressions;

namespace Facade.Bench.Servers;

/// <summary>The trivial backend and the baselines the edge is compared with: plain YARP, nginx, HAProxy with jwt_verify.</summary>
internal static class Peers
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ServerProcess> StartBackendAsync(BenchContext context)
    {
        var url = Ports.Loopback(Ports.Free());
        var server = ServerProcess.Start("backend", url, "dotnet",
            [context.Dll("bench/Backend", "Facade.Bench.Backend"), "--urls", Origin(url)], context.Work, context.Logs, BenchContext.DotnetEnvironment());
        return await server.ReadyAsync("healthz", StartTimeout);
    }

    public static async Task<ServerProcess> StartPlainYarpAsync(BenchContext context, Uri backend)
    {
        var url = Ports.Loopback(Ports.Free());
        var server = ServerProcess.Start("yarp", url, "dotnet",
            [context.Dll("bench/PlainYarp", "Facade.Bench.PlainYarp"), "--urls", Origin(url), "--Backend", backend.AbsoluteUri],
            context.Work, context.Logs, BenchContext.DotnetEnvironment());
        return await server.ReadyAsync("healthz", StartTimeout);
    }

    /// <summary>nginx as most people deploy it in front of an API: proxy_pass to a keepalive upstream, no access log.</summary>
    public static async Task<ServerProcess> StartNginxAsync(BenchContext context, Uri backend)
    {
        var url = Ports.Loopback(Ports.Free());
        var folder = context.Folder("nginx");
        var config = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            daemon off;
            master_process on;
            worker_processes auto;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path {{folder}}/body;
              proxy_temp_path {{folder}}/proxy;
              fastcgi_temp_path {{folder}}/fastcgi;
              uwsgi_temp_path {{folder}}/uwsgi;
              scgi_temp_path {{folder}}/scgi;
              keepalive_requests 1000000;
              upstream backend {
                server {{backend.Authority}};
                keepalive 128;
                keepalive_requests 1000000;
              }
              server {
                listen {{url.Authority}};
                location / {
                  proxy_pass http://backend;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                }
              }
            }

            """);
        var server = ServerProcess.Start("nginx", url, "nginx", ["-p", folder, "-c", config, "-e", Path.Combine(folder, "error.log")], folder, context.Logs);
        return await server.ReadyAsync("api/tasks", StartTimeout);
    }

    /// <summary>
    /// HAProxy validating the same access token as the edge (RS256, or ES256 with <c>--signing ES256</c>): signature with the edge's public key (jwt_verify),
    /// then <c>aud</c>, <c>exp</c> and the route's scope. No ledger, so no revocation: it does strictly less than the edge.
    /// </summary>
    public static async Task<ServerProcess> StartHaproxyAsync(BenchContext context, Uri backend, string publicKeyPem, string audience, string scope)
    {
        var version = await Exec.VersionAsync("haproxy", "-v");
        if (Regex.Match(version, @"version (\d+)\.(\d+)") is not { Success: true } match
            || new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)) < new Version(2, 5))
        {
            throw new InvalidOperationException($"haproxy-jwt needs HAProxy 2.5 or later for jwt_verify; found '{version}'.");
        }

        var url = Ports.Loopback(Ports.Free());
        var folder = context.Folder("haproxy");
        var config = Path.Combine(folder, "haproxy.cfg");
        var unauthorized = "http-request return status 401 content-type application/json string '{\"error\":\"invalid_token\"}' hdr www-authenticate Bearer";
        await File.WriteAllTextAsync(config, $$"""
            global
              nbthread {{Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)}}
              maxconn 4096

            defaults
              mode http
              timeout connect 5s
              timeout client 30s
              timeout server 30s
              timeout http-keep-alive 30s

            frontend edge
              bind {{url.Authority}}
              http-request set-var(txn.bearer) http_auth_bearer
              {{unauthorized}} unless { var(txn.bearer) -m found }
              http-request set-var(txn.alg) var(txn.bearer),jwt_header_query('$.alg')
              {{unauthorized}} unless { var(txn.alg) -m str {{context.Settings.Signing}} }
              {{unauthorized}} unless { var(txn.bearer),jwt_verify(txn.alg,"{{publicKeyPem}}") -m int 1 }
              http-request set-var(txn.aud) var(txn.bearer),jwt_payload_query('$.aud')
              http-request set-var(txn.exp) var(txn.bearer),jwt_payload_query('$.exp','int')
              http-request set-var(txn.scope) var(txn.bearer),jwt_payload_query('$.scope')
              http-request set-var(txn.now) date()
              {{unauthorized}} unless { var(txn.aud) -m str {{audience}} }
              {{unauthorized}} unless { var(txn.exp),sub(txn.now) -m int gt 0 }
              http-request return status 403 content-type application/json string '{"error":"insufficient_scope"}' unless { var(txn.scope) -m reg '(^| ){{scope}}( |$)' }
              default_backend api

            backend api
              http-reuse always
              server backend {{backend.Authority}}

            """);
        var check = await Exec.RunAsync("haproxy", ["-c", "-f", config]);
        if (check.ExitCode != 0)
        {
            throw new InvalidOperationException($"HAProxy rejects its configuration:\n{check.Output}");
        }

        var server = ServerProcess.Start("haproxy-jwt", url, "haproxy", ["-db", "-f", config], folder, context.Logs);
        return await server.ReadyAsync("api/tasks", StartTimeout);
    }

    /// <summary><c>http://127.0.0.1:port</c>, the form <c>--urls</c> wants.</summary>
    public static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);
}
