namespace Facade.Mcp.Bridge.Tests.Conformance;

/// <summary>
/// Every client authorization scenario (<c>auth/…</c>) of the official MCP conformance suite, run against the built
/// bridge: one test case per scenario the installed suite lists, each asserting the suite's own verdict (exit code 0,
/// no FAILURE or WARNING check). The machine-identity extensions run the bridge with <c>--grant</c>
/// (tests/clients/conformance/facade-mcp-client.mjs maps the suite's context to it).
/// </summary>
public sealed class ConformanceSuiteTests
{
    public static TheoryData<string> Scenarios()
    {
        var scenarios = ConformanceSuite.ClientScenarios("auth/");
        return scenarios.Count == 0 ? new TheoryData<string>("(conformance suite not installed)") : new TheoryData<string>(scenarios);
    }

    [Theory]
    [MemberData(nameof(Scenarios), DisableDiscoveryEnumeration = true)]
    public async Task ClientAuthorizationScenario_PassesAgainstTheBridge(string scenario)
    {
        Assert.True(ConformanceSuite.MissingReason is null, ConformanceSuite.MissingReason);
        var ct = TestContext.Current.CancellationToken;
        var output = Directory.CreateTempSubdirectory("facade-mcp-conformance-");
        try
        {
            var run = await ConformanceSuite.RunScenarioAsync(scenario, output.FullName, ct);
            var problems = run.Problems.ToList();
            Assert.True(run.ExitCode == 0 && problems.Count == 0 && run.Checks.Count > 0,
                $"{scenario}: the suite exited {run.ExitCode} with {run.Checks.Count} checks.\n"
                + string.Join('\n', problems) + "\n--- suite ---\n" + run.Console + "\n--- client stderr ---\n" + run.ClientStderr);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
