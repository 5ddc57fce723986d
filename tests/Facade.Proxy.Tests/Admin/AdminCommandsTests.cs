using System.Net;
using System.Text.Json;
using Facade.Proxy.Admin;
using Facade.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Facade.Proxy.Tests.Admin;

/// <summary>The users command creates local users in the edge's own database; they can then sign in.</summary>
public sealed class AdminCommandsTests
{
    [Fact]
    public async Task UsersAdd_CreatesAUserWhoCanSignIn()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Directory.CreateTempSubdirectory("facade-test-").FullName;
        var output = new StringWriter();

        var exit = await AdminCommands.RunAsync(
            ["users", "add", "alice", "--password-stdin", "--display-name", "Alice", "--environment=Development", $"--Facade:DataDirectory={data}"],
            new StringReader("correct horse battery staple\n"), output);

        Assert.Equal(0, exit);
        Assert.Contains("User 'alice' created.", output.ToString());

        await using var host = FacadeHost.Start(dataDirectory: data);
        using var oauth = new OAuthTestClient(host.BaseUrl) { UserName = "alice", Password = "correct horse battery staple" };
        var (_, token) = await oauth.GetTokenAsync("openid", cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);
    }

    [Theory]
    [InlineData("", "A password is required")]
    [InlineData("short\n", "Passwords must be at least 8 characters")]
    public async Task UsersAdd_WithBadPassword_FailsWithAReason(string stdin, string message)
    {
        var data = Directory.CreateTempSubdirectory("facade-test-").FullName;
        var output = new StringWriter();

        var exit = await AdminCommands.RunAsync(
            ["users", "add", "bob", "--password-stdin", "--environment=Development", $"--Facade:DataDirectory={data}"], new StringReader(stdin), output);

        Assert.NotEqual(0, exit);
        Assert.Contains(message, output.ToString());
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task UsersLock_KeepsTheUserOut_UntilUsersUnlock()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Directory.CreateTempSubdirectory("facade-test-").FullName;
        Assert.Equal(0, (await RunAsync(data, "add", "carol", "correct horse battery staple\n")).Exit);
        await using var host = FacadeHost.Start(dataDirectory: data);

        var (locked, lockOutput) = await RunAsync(data, "lock", "carol");

        Assert.Equal(0, locked);
        Assert.Equal("User 'carol' locked until unlocked; 0 grants revoked, every earlier sign-in ended.", lockOutput.Trim());
        Assert.Contains("carol\t\t\tlocked", (await RunAsync(data, "list", null)).Output);
        using (var refused = new OAuthTestClient(host.BaseUrl) { UserName = "carol", Password = "correct horse battery staple" })
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => refused.GetTokenAsync("openid", cancellationToken: ct));
            Assert.Contains("Too many failed attempts", refused.LastResponse?.Body);
        }

        var (unlocked, unlockOutput) = await RunAsync(data, "unlock", "carol");

        Assert.Equal(0, unlocked);
        Assert.Equal("User 'carol' unlocked: they can sign in again (earlier sign-ins stay ended).", unlockOutput.Trim());
        using var oauth = new OAuthTestClient(host.BaseUrl) { UserName = "carol", Password = "correct horse battery staple" };
        var (_, token) = await oauth.GetTokenAsync("openid", cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);
    }

    [Fact]
    public async Task UsersShow_AsJson_PrintsTheIdTheUsersTokensCarryAsSub()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Directory.CreateTempSubdirectory("facade-test-").FullName;
        Assert.Equal(0, (await RunAsync(data, "add", "erin", "correct horse battery staple\n")).Exit);

        var (exit, output) = await RunAsync(data, "show", "erin", extra: ["--format", "json"]);

        Assert.Equal(0, exit);
        var user = JsonDocument.Parse(output).RootElement;
        Assert.Equal("erin", user.GetProperty("userName").GetString());
        Assert.False(user.GetProperty("locked").GetBoolean());
        var id = user.GetProperty("id").GetString();
        await using var host = FacadeHost.Start(dataDirectory: data);
        using var oauth = new OAuthTestClient(host.BaseUrl) { UserName = "erin", Password = "correct horse battery staple" };
        var (_, token) = await oauth.GetTokenAsync("openid", cancellationToken: ct);
        Assert.Equal(id, new JsonWebToken(token.AccessToken).Subject);
    }

    [Fact]
    public async Task UsersShow_AsText_PrintsOneDetailALine()
    {
        var data = Directory.CreateTempSubdirectory("facade-test-").FullName;
        Assert.Equal(0, (await RunAsync(data, "add", "frank", "correct horse battery staple\n")).Exit);
        var id = JsonDocument.Parse((await RunAsync(data, "show", "frank", extra: ["--format", "json"])).Output).RootElement.GetProperty("id").GetString();

        var (exit, output) = await RunAsync(data, "show", "frank");

        Assert.Equal(0, exit);
        Assert.Equal(["id: " + id, "username: frank", "display name: ", "email: ", "locked: no"], output.TrimEnd().Split(Environment.NewLine));
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task UsersList_AsJson_ListsEveryUserWithTheirId()
    {
        var data = Directory.CreateTempSubdirectory("facade-test-").FullName;
        Assert.Equal(0, (await RunAsync(data, "add", "gina", "correct horse battery staple\n")).Exit);
        Assert.Equal(0, (await RunAsync(data, "add", "hank", "correct horse battery staple\n")).Exit);
        Assert.Equal(0, (await RunAsync(data, "lock", "hank")).Exit);
        var gina = JsonDocument.Parse((await RunAsync(data, "show", "gina", extra: ["--format", "json"])).Output).RootElement.GetProperty("id").GetString();

        var (exit, output) = await RunAsync(data, "list", null, extra: ["--format", "json"]);

        Assert.Equal(0, exit);
        var users = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(["gina", "hank"], users.Select(u => u.GetProperty("userName").GetString()));
        Assert.Equal(gina, users[0].GetProperty("id").GetString());
        Assert.Equal([false, true], users.Select(u => u.GetProperty("locked").GetBoolean()));
        Directory.Delete(data, recursive: true);
    }

    [Theory]
    [InlineData("lock")]
    [InlineData("unlock")]
    [InlineData("set-password")]
    [InlineData("show")]
    public async Task Users_UnknownUser_FailsWithExitCode2(string command)
    {
        var data = Directory.CreateTempSubdirectory("facade-test-").FullName;

        var (exit, output) = await RunAsync(data, command, "nobody", "some long password\n");

        Assert.Equal(2, exit);
        Assert.Equal("No user 'nobody'.", output.Trim());
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task UsersSetPassword_RefusedByTheRules_KeepsTheOldPassword()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Directory.CreateTempSubdirectory("facade-test-").FullName;
        Assert.Equal(0, (await RunAsync(data, "add", "dave", "correct horse battery staple\n")).Exit);

        var (exit, output) = await RunAsync(data, "set-password", "dave", "short\n");

        Assert.Equal(1, exit);
        Assert.Contains("Passwords must be at least 8 characters", output);
        await using var host = FacadeHost.Start(dataDirectory: data);
        using var oauth = new OAuthTestClient(host.BaseUrl) { UserName = "dave", Password = "correct horse battery staple" };
        var (_, token) = await oauth.GetTokenAsync("openid", cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string data, string command, string? user, string stdin = "", string[]? extra = null)
    {
        var output = new StringWriter();
        string[] args = user is null
            ? ["users", command]
            : ["users", command, user, .. command is "add" or "set-password" ? ["--password-stdin"] : Array.Empty<string>()];
        var exit = await AdminCommands.RunAsync([.. args, .. extra ?? [], "--environment=Development", $"--Facade:DataDirectory={data}"], new StringReader(stdin), output);
        return (exit, output.ToString());
    }
}
