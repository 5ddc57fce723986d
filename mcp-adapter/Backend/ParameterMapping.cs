namespace Facade.McpAdapter.Backend;

/// <summary>A query parameter, header or body property (<see cref="Name"/>) filled from a tool argument.</summary>
public sealed record ParameterMapping(string Name, string Argument);
