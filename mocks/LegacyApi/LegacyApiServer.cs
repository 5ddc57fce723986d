using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Facade.Mocks.LegacyApi.Api;
using Facade.Mocks.LegacyApi.Data;
using Facade.Mocks.LegacyApi.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WireMock;
using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;

namespace Facade.Mocks.LegacyApi;

/// <summary>
/// The stateful legacy tasks/organizations API on WireMock.Net, listening on 127.0.0.1 only unless another address
/// is given (the edge is what the world may reach; its backends stay on loopback by default).
/// Every instance has its own freshly seeded data, so tests can run one per test or per class.
/// </summary>
public sealed class LegacyApiServer : IDisposable
{
    /// <summary>Request log entries kept per server; older ones are dropped so a long run cannot grow without bound.</summary>
    public const int MaxRecordedRequests = 1000;

    /// <summary>
    /// 127.0.0.1 spelled so WireMock does not recognise it. WireMock turns a literal "127.0.0.1" with a
    /// non-zero port into Kestrel's ListenLocalhost (127.0.0.1 and [::1], reported as "localhost");
    /// any other IP literal is bound exactly, and IPAddress.TryParse reads this one as 127.0.0.1.
    /// </summary>
    private const string LoopbackHost = "127.0.0.001";

    private readonly WireMockServer _server;

    private LegacyApiServer(WireMockServer server, string host)
    {
        _server = server;
        Port = server.Port;
        Url = string.Create(CultureInfo.InvariantCulture, $"http://{host}:{Port}");
    }

    /// <summary>Base address without a trailing slash, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; }

    /// <summary>The port actually bound (never 0).</summary>
    public int Port { get; }

    /// <summary>Snapshot of the requests received so far, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests =>
        [.. _server.LogEntries
            .Where(entry => entry.RequestMessage is not null)
            .Select(entry => ToRecordedRequest(entry.RequestMessage!, entry.ResponseMessage))
            .OrderBy(request => request.ReceivedAt)];

    /// <summary>
    /// Starts a server on <paramref name="bindAddress"/> (127.0.0.1 when null) and <paramref name="port"/>; 0 picks a
    /// free port.
    /// </summary>
    public static LegacyApiServer Start(int port = 0, ILoggerFactory? loggerFactory = null, IPAddress? bindAddress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var address = bindAddress ?? IPAddress.Loopback;
        var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        var listenHost = address.Equals(IPAddress.Loopback) ? LoopbackHost : host;

        loggerFactory ??= NullLoggerFactory.Instance;
        var store = new LegacyStore(TimeProvider.System);

        var server = WireMockServer.Start(new WireMockServerSettings
        {
            // With port 0 Kestrel picks a free port and WireMock reports the real one in Port.
            Urls = [string.Create(CultureInfo.InvariantCulture, $"http://{listenHost}:{port}")],
            StartAdminInterface = false,
            ReadStaticMappings = false,
            MaxRequestLogCount = MaxRecordedRequests,

            // Bodies are parsed with System.Text.Json in the callbacks; skip WireMock's Newtonsoft pass.
            DisableJsonBodyParsing = true,

            // WireMock's default also splits query values on ',' and ';', which would turn
            // ?status=open,done into two values; only repeated keys should mean "several values".
            QueryParameterMultipleValueSupport = QueryParameterMultipleValueSupport.Ampersand,
            Logger = new WireMockLoggerAdapter(loggerFactory.CreateLogger("WireMock")),
        });

        try
        {
            new LegacyApiRoutes(store, loggerFactory.CreateLogger<LegacyApiServer>()).Register(server);
            return new LegacyApiServer(server, host);
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Forgets the recorded requests (data is untouched).</summary>
    public void ClearRequests() => _server.ResetLogEntries();

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }

    private static RecordedRequest ToRecordedRequest(IRequestMessage request, IResponseMessage? response)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers ?? new Dictionary<string, WireMockList<string>>())
        {
            headers[name] = [.. values];
        }

        return new RecordedRequest(
            request.Method,
            request.Path,
            request.RawQuery?.TrimStart('?') ?? string.Empty,
            headers,
            request.BodyAsBytes is { Length: > 0 } ? request.Body : null,
            StatusCodeOf(response?.StatusCode),
            request.DateTime);
    }

    private static int StatusCodeOf(object? statusCode) => statusCode switch
    {
        int code => code,
        System.Net.HttpStatusCode code => (int)code,
        string text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) => code,
        _ => 0,
    };
}
