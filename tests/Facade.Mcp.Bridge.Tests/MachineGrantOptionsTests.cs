using System.Security.Cryptography;
using Facade.Mcp.Bridge.Cli;

namespace Facade.Mcp.Bridge.Tests;

/// <summary>
/// <c>--grant</c> (a machine identity): what the command line refuses with exit code 64 before any request, and what a
/// refusing authorization server gets (exit code 77); no problem ever repeats a secret or a key. The grants themselves
/// are graded by the conformance suite (Conformance/ConformanceSuiteTests: auth/client-credentials-*, cross-app access).
/// </summary>
public sealed class MachineGrantOptionsTests : BridgeStackTest
{
    private const string Secret = "s3cret-on-the-line";

    [Theory]
    [InlineData("client-credentials", null, Secret, "needs --client-id")]
    [InlineData("client-credentials", "machine", null, "needs the client's secret")]
    [InlineData("cross-app-access", "machine", null, "authenticates with the client's secret")]
    [InlineData("cross-app-access", "machine", Secret, "needs --idp-token-endpoint")]
    public void IncompleteMachineGrants_AreRefused(string grant, string? id, string? secret, string expected)
    {
        Assert.False(BridgeCommand.TryParseMachine(grant, (id, id is null ? null : secret, null), null, null, null, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void MachineOptions_WithoutAGrant_AreRefused()
    {
        Assert.False(BridgeCommand.TryParseMachine(null, ("machine", Secret, null), null, "https://idp.example/token", null, out _, out var problem));
        Assert.Contains("belong to --grant", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyFileThatIsNotAPrivateKey_IsRefused_WithoutItsContent()
    {
        var file = Path.Combine(Work, "not-a-key.pem");
        File.WriteAllText(file, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n");

        Assert.False(BridgeCommand.TryParseMachine("client-credentials", ("machine", null, null), file, null, null, out _, out var problem));
        Assert.Contains("not a PEM EC P-256 or RSA private key", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("bm90IGEga2V5", problem, StringComparison.Ordinal);
        Assert.False(BridgeCommand.TryParseMachine("client-credentials", ("machine", null, null), Path.Combine(Work, "missing.pem"), null, null, out _, out problem));
        Assert.Contains("cannot be read", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void EcAndRsaKeys_AreAccepted()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        foreach (var (name, pem) in new[] { ("ec.pem", ec.ExportPkcs8PrivateKeyPem()), ("rsa.pem", rsa.ExportRSAPrivateKeyPem()) })
        {
            var file = Path.Combine(Work, name);
            File.WriteAllText(file, pem);

            Assert.True(BridgeCommand.TryParseMachine("client-credentials", ("machine", null, null), file, null, null, out var machine, out var problem), problem);
            Assert.Equal(pem, machine!.PrivateKeyPem);
        }
    }

    [Fact]
    public async Task AnAuthorizationServerWithoutTheGrant_StopsTheBridge_WithExitCode77_AndNoSecret()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bridge = Bridge.Start(["--url", Stack.McpUrl.AbsoluteUri, "--grant", "client-credentials", "--client-id", "machine", "--login"],
            new Dictionary<string, string?> { ["FACADE_MCP_CLIENT_SECRET"] = Secret });
        var (exitCode, stdout) = await bridge.WaitForExitAsync(ct, closeStdin: false);

        Assert.Equal(77, exitCode);
        Assert.Empty(stdout);
        Assert.Contains(bridge.Stderr.Lines, line => line.Contains("refused the grant", StringComparison.Ordinal));
        Assert.DoesNotContain(bridge.Stderr.Lines, line => line.Contains(Secret, StringComparison.Ordinal));
    }
}
