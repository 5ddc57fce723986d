namespace Facade.Proxy.ApiKeys;

internal static class ApiKeyHeaders
{
    /// <summary>Carries an agent key; never forwarded to any backend.</summary>
    public const string AgentKey = "X-Agent-API-Key";
}
