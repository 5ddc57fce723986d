using Facade.Mcp.Bridge.Cli;

namespace Facade.Mcp.Bridge.Tests;

/// <summary>The client options on the command line: what is refused (exit code 64), and that a problem never repeats the secret.</summary>
public sealed class ClientOptionsTests : BridgeStackTest
{
    [Theory]
    [InlineData(null, "s3cret-on-the-line", null, "--client-secret needs --client-id")]
    [InlineData("my-bridge", null, "https://clients.example/facade-mcp.json", "exclude each other")]
    [InlineData(null, null, "http://clients.example/facade-mcp.json", "must be an https URL")]
    [InlineData(null, null, "https://clients.example/", "must be an https URL")]
    public void ContradictoryOrUnusableClientOptions_AreRefused(string? id, string? secret, string? metadataUrl, string expected)
    {
        Assert.False(BridgeCommand.TryParseClient(id, secret, metadataUrl, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-on-the-line", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretWithoutClientId_StopsTheBridge_WithExitCode64()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bridge = Bridge.Start(["--url", Stack.McpUrl.AbsoluteUri, "--client-secret", "s3cret-on-the-line"]);
        var (exitCode, stdout) = await bridge.WaitForExitAsync(ct);
        Assert.Equal(64, exitCode);
        Assert.Empty(stdout);
        Assert.DoesNotContain(bridge.Stderr.Lines, line => line.Contains("s3cret-on-the-line", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Headless_AgainstTheEdge_WhichShowsALoginPage_StopsWithExitCode77_InsteadOfGuessing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bridge = Bridge.Start(["--url", Stack.McpUrl.AbsoluteUri, "--headless", "--login", "--token-cache", Path.Combine(Work, "tokens.json")]);
        var (exitCode, _) = await bridge.WaitForExitAsync(ct, closeStdin: false);
        Assert.Equal(77, exitCode);
        Assert.Contains(bridge.Stderr.Lines, line => line.Contains("needs a person", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(Work, "tokens.json")));
    }
}
