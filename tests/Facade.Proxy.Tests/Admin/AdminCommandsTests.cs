using System.Net;
using Facade.Proxy.Admin;
using Facade.Testing;

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
}
