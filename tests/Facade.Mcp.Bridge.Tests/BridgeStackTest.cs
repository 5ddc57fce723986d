using Facade.Testing;

namespace Facade.Mcp.Bridge.Tests;

/// <summary>Per test class: the real stack (edge, MCP adapter, legacy mock) and a scratch folder for the bridge's files.</summary>
public abstract class BridgeStackTest : IAsyncLifetime
{
    protected FacadeStack Stack { get; private set; } = null!;

    protected string Work { get; private set; } = null!;

    /// <summary>Settings for the edge of this class's stack (none: the defaults).</summary>
    protected virtual IDictionary<string, string?>? EdgeSettings => null;

    public ValueTask InitializeAsync()
    {
        Stack = FacadeStack.Start(EdgeSettings);
        Work = Directory.CreateTempSubdirectory("facade-mcp-test-").FullName;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Stack.DisposeAsync();
        Directory.Delete(Work, recursive: true);
        GC.SuppressFinalize(this);
    }
}
