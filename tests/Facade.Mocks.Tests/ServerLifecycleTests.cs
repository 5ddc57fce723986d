using System.Net;
using System.Net.Sockets;
using Facade.Mocks.LegacyApi;
using WireMock.Exceptions;

namespace Facade.Mocks.Tests;

public sealed class ServerLifecycleTests : LegacyApiTestBase
{
    [Fact]
    public void Start_PortZero_ReportsRealLoopbackPort()
    {
        Assert.NotEqual(0, Server.Port);
        Assert.Equal($"http://127.0.0.1:{Server.Port}", Server.Url);
    }

    [Fact]
    public async Task Healthz_WithoutAuthorization_Returns200()
    {
        using var response = await Anonymous.GetAsync("/healthz", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", Str(await ReadJsonAsync(response), "status"));
    }

    [Fact]
    public async Task Start_FixedPort_ListensOn127001Only()
    {
        using var server = StartOnFreeFixedPort();

        Assert.Equal($"http://127.0.0.1:{server.Port}", server.Url);
        using var http = new HttpClient();
        using var response = await http.GetAsync(server.Url + "/healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // WireMock would bind [::1] as well if it recognised the loopback literal; it must not.
        using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAnyAsync<SocketException>(() => v6.ConnectAsync(IPAddress.IPv6Loopback, server.Port, Ct).AsTask());
    }

    [Fact]
    public async Task Start_OnAnotherLoopbackAddress_ListensThereOnly()
    {
        using var server = LegacyApiServer.Start(bindAddress: IPAddress.Parse("127.0.0.2"));

        Assert.Equal($"http://127.0.0.2:{server.Port}", server.Url);
        using var http = new HttpClient();
        using var response = await http.GetAsync(server.Url + "/healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAnyAsync<SocketException>(() => other.ConnectAsync(IPAddress.Loopback, server.Port, Ct).AsTask());
    }

    [Fact]
    public async Task Dispose_StopsListening()
    {
        var server = LegacyApiServer.Start();
        var url = server.Url;
        server.Dispose();

        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(url + "/healthz", Ct));
    }

    [Fact]
    public async Task Start_TwoServers_HaveIndependentState()
    {
        await CreateTaskAsync("Only on the first server");

        using var other = LegacyApiServer.Start();
        using var http = new HttpClient { BaseAddress = new Uri(other.Url) };
        http.DefaultRequestHeaders.Add("Authorization", Bearer);
        using var response = await http.GetAsync("/api/tasks", Ct);
        var tasks = (await ReadJsonAsync(response)).EnumerateArray().ToArray();

        Assert.NotEqual(Server.Port, other.Port);
        Assert.Equal(10, tasks.Length);
        Assert.Equal(11, (await ListTasksAsync()).Length);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Start_PortOutOfRange_Throws(int port) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LegacyApiServer.Start(port));

    private static LegacyApiServer StartOnFreeFixedPort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            try
            {
                return LegacyApiServer.Start(port);
            }
            catch (WireMockException) when (attempt < 3)
            {
                // Someone else grabbed the port between probe and bind; try another.
            }
        }
    }
}
