using Facade.DeviceEdge.Status;
using Microsoft.Extensions.Time.Testing;

namespace Facade.DeviceEdge.Tests.Status;

/// <summary>Ordering cases of the status board that are hard to provoke over a network: late events of an older connection.</summary>
public sealed class DeviceStatusBoardTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void LateWillOfAnOlderConnection_DoesNotTakeTheNewOneOffline()
    {
        var board = new DeviceStatusBoard(_time);
        var old = Connection();
        board.Connected(old);
        var current = Connection();
        board.Connected(current);

        var change = board.Reported("d1", old, online: false);

        Assert.Null(change);
        Assert.True(board.Get("d1").Online);
    }

    [Fact]
    public void LateDisconnectOfAnOlderConnection_IsIgnored()
    {
        var board = new DeviceStatusBoard(_time);
        var old = Connection();
        board.Connected(old);
        var current = Connection();
        board.Connected(current);

        Assert.Null(board.Disconnected(old, clean: false));
        Assert.True(board.Get("d1").Online);
        Assert.NotNull(board.Disconnected(current, clean: false));
        Assert.False(board.Get("d1").Online);
    }

    [Fact]
    public void WillAfterTheDisconnect_RecordsTheReportedState()
    {
        var board = new DeviceStatusBoard(_time);
        var connection = Connection();
        board.Connected(connection);
        var offline = board.Disconnected(connection, clean: false);

        var will = board.Reported("d1", connection, online: false);

        Assert.Equal(StatusReason.ConnectionLost, offline!.Reason);
        Assert.Null(will); // already offline: no second transition
        Assert.Equal("offline", board.Get("d1").LastReported);
    }

    [Fact]
    public void Load_MarksDevicesRecordedOnlineAsOfflineNow()
    {
        var board = new DeviceStatusBoard(_time);
        var seen = _time.GetUtcNow().AddMinutes(-3);

        board.Load([new DeviceStatusRecord { DeviceId = "d1", Online = true, Since = seen.AddHours(-1), LastSeen = seen, ClientAddress = "127.0.0.1:1" }]);

        var status = board.Get("d1");
        Assert.False(status.Online);
        Assert.Equal(_time.GetUtcNow(), status.Since);
        Assert.Equal(seen, status.LastSeen);
        var row = Assert.Single(board.TakeDirty());
        Assert.False(row.Online);
        Assert.Null(row.ClientAddress);
    }

    [Fact]
    public void Touch_MovesLastSeenForward_AndMarksTheEntryForTheNextFlush()
    {
        var board = new DeviceStatusBoard(_time);
        board.Connected(Connection());
        board.TakeDirty();

        _time.Advance(TimeSpan.FromSeconds(5));
        board.Touch("d1");

        Assert.Equal(_time.GetUtcNow(), board.Get("d1").LastSeen);
        Assert.Equal(_time.GetUtcNow(), Assert.Single(board.TakeDirty()).LastSeen);
        Assert.Empty(board.TakeDirty());
    }

    [Theory]
    [InlineData("online", true)]
    [InlineData(" Offline\n", false)]
    [InlineData("""{"state":"offline","battery":3}""", false)]
    [InlineData("""{"state":"ONLINE"}""", true)]
    [InlineData("""{"state":1}""", null)]
    [InlineData("""{"status":"online"}""", null)]
    [InlineData("{not json", null)]
    [InlineData("sleeping", null)]
    [InlineData("", null)]
    public void StatusPayloads_AreReadLeniently(string payload, bool? expected) =>
        Assert.Equal(expected, StatusMessageHandler.ParseState(System.Text.Encoding.UTF8.GetBytes(payload)));

    private DeviceConnection Connection() => new("d1", "127.0.0.1:5000", "5.0", _time.GetUtcNow());
}
