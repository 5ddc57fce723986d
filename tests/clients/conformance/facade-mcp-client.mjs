// The client command the MCP conformance suite runs for each client scenario: `node facade-mcp-client.mjs <server-url>`
// (tests/Facade.Mcp.Bridge.Tests/ConformanceSuiteTests.cs). It is an MCP host with facade-mcp as its stdio server:
// starts the bridge (FACADE_MCP_DOTNET, FACADE_MCP_DLL) against the suite's server in --headless mode (the suite's
// authorization server approves without a person) with a throwaway token cache, lists the tools and calls each, the way
// the suite's own reference client does. MCP_CONFORMANCE_CONTEXT carries a pre-registered client for the scenarios that
// have one (its secret goes to the bridge in FACADE_MCP_CLIENT_SECRET, never on a command line); otherwise the bridge
// offers the suite's fixed client metadata document URL, which it uses only where the authorization server says it takes
// metadata documents. The machine-identity scenarios map to `--grant`: client-credentials with the secret or with the
// suite's private key (written to an owner-only file, passed as --private-key), and cross-app-access with the IdP's ID
// token in FACADE_MCP_IDP_ID_TOKEN.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const SUITE_CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';

const serverUrl = process.argv.at(-1);
const dotnet = process.env.FACADE_MCP_DOTNET ?? 'dotnet';
const dll = process.env.FACADE_MCP_DLL;
if (!dll || !serverUrl?.startsWith('http')) {
  console.error('usage: FACADE_MCP_DLL=<facade-mcp.dll> node facade-mcp-client.mjs <server-url>');
  process.exit(2);
}

const context = process.env.MCP_CONFORMANCE_CONTEXT ? JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT) : {};
const work = mkdtempSync(join(tmpdir(), 'facade-mcp-conformance-'));
const args = [dll, '--url', serverUrl, '--headless', '--no-browser', '--token-cache', join(work, 'tokens.json'), '--verbose'];
const env = { ...process.env, FACADE_TOKEN: '', FACADE_URL: '', FACADE_MCP_CLIENT_SECRET: '', FACADE_MCP_IDP_ID_TOKEN: '', DOTNET_NOLOGO: '1' };
if (context.client_id) {
  args.push('--client-id', context.client_id);
  if (context.client_secret) {
    env.FACADE_MCP_CLIENT_SECRET = context.client_secret;
  }
  if (context.private_key_pem) {
    const keyFile = join(work, 'client-key.pem');
    writeFileSync(keyFile, context.private_key_pem, { mode: 0o600 });
    args.push('--grant', 'client-credentials', '--private-key', keyFile);
  } else if (context.idp_id_token) {
    env.FACADE_MCP_IDP_ID_TOKEN = context.idp_id_token;
    args.push('--grant', 'cross-app-access', '--idp-token-endpoint', context.idp_token_endpoint);
    if (context.idp_client_id) {
      args.push('--idp-client-id', context.idp_client_id);
    }
  } else if (context.name?.startsWith('auth/client-credentials')) {
    args.push('--grant', 'client-credentials');
  }
} else {
  args.push('--client-metadata-url', SUITE_CLIENT_METADATA_URL);
}

const client = new Client({ name: 'facade-mcp-conformance-host', version: '1.0.0' });
let exitCode = 0;
try {
  await client.connect(new StdioClientTransport({ command: dotnet, args, env, stderr: 'inherit' }));
  const { tools } = await client.listTools();
  for (const tool of tools) {
    const result = await client.callTool({ name: tool.name, arguments: {} });
    if (result.isError) {
      throw new Error(`tool ${tool.name} failed: ${JSON.stringify(result.content)}`);
    }
  }
  console.error(`facade-mcp-client: listed ${tools.length} tool(s) and called each`);
} catch (error) {
  console.error(`facade-mcp-client: ${error?.message ?? error}`);
  exitCode = 1;
} finally {
  await client.close().catch(() => {});
  rmSync(work, { recursive: true, force: true });
}

process.exit(exitCode);
