using Facade.Mcp.Bridge.Cli;

// facade-mcp: a local MCP server on stdio whose tools, resources and prompts are those of a Facade edge's /mcp.
// stdout is the protocol channel; everything meant for people goes to stderr.
return await BridgeCommand.Create().Parse(args).InvokeAsync();
