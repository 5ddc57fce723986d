using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// An agent whose runtime's announced skills its server also lists: where to ask for them (<c>GET
/// {backend}/agents/{id}/skills</c>) and the device edge's wait for a call to one of them.
/// </summary>
public sealed record AnnouncedSkillsSource(string AgentId, BackendDefinition Backend, int TimeoutSeconds);
