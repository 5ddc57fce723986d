// A real MCP client on another stack: the official TypeScript SDK v2 (@modelcontextprotocol/client), speaking
// protocol revision 2026-07-28 (server/discover, Mcp-Method / Mcp-Name headers, no initialize) to a Facade edge and
// doing its own OAuth: discovery from the 401, dynamic registration, PKCE, a loopback redirect (RFC 8252), and the
// step-up a 403 insufficient_scope asks for.
//
//   node facade-client.mjs --url http://127.0.0.1:5000/mcp [--first-scope "tasks:read"] [--protocol 2026-07-28|legacy]
//
// It runs one fixed scenario: connect, list tools, call create_task, and writes one JSON object per line on stdout:
//   {"event":"authorize","url":…}   open this in a browser; the redirect ends at this client's loopback listener
//   {"event":"connected",…} {"event":"tools",…} {"event":"called",…} {"event":"done",…}
// The end-to-end test plays the user's browser (login and consent forms); a person would use a real one.
// Errors go to stderr and end the process with exit code 1.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport, UnauthorizedError, auth } from '@modelcontextprotocol/client';

const { values: options } = parseArgs({
  options: {
    url: { type: 'string' },
    'first-scope': { type: 'string' },
    protocol: { type: 'string', default: '2026-07-28' },
    title: { type: 'string', default: 'Written by the TypeScript SDK client' },
  },
});
if (!options.url) {
  process.stderr.write('usage: node facade-client.mjs --url <mcp url> [--first-scope <scopes>] [--protocol 2026-07-28|legacy]\n');
  process.exit(64);
}

const serverUrl = new URL(options.url);
const emit = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');

/** The loopback redirect target (RFC 8252 §7.3): one pending authorization at a time. */
class LoopbackCallback {
  #server = createServer((request, response) => this.#handle(request, response));
  #pending;

  async listen() {
    await new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', resolve);
    });
    return `http://127.0.0.1:${this.#server.address().port}/callback`;
  }

  /** Resolves with the redirect's query once the browser arrives with the given state. */
  expect(state) {
    return new Promise((resolve, reject) => {
      this.#pending = { state, resolve, reject };
    });
  }

  #handle(request, response) {
    const url = new URL(request.url, 'http://127.0.0.1');
    const pending = this.#pending;
    if (url.pathname !== '/callback' || !pending || url.searchParams.get('state') !== pending.state) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('Unexpected callback.');
      return;
    }

    this.#pending = undefined;
    response.writeHead(200, { 'content-type': 'text/plain' }).end('Signed in; you can close this window.');
    if (url.searchParams.has('error')) {
      pending.reject(new Error(`authorization failed: ${url.searchParams.get('error')} ${url.searchParams.get('error_description') ?? ''}`));
    } else {
      pending.resolve(url.searchParams);
    }
  }

  close() {
    this.#server.closeAllConnections();
    this.#server.close();
  }
}

/** Everything OAuth needs, kept in memory for this one run. */
class MemoryOAuthProvider {
  #client;
  #tokens;
  #verifier;
  #discovery;
  #state;
  authorizations = 0;

  constructor(redirectUrl, callback) {
    this.redirectUrl = redirectUrl;
    this.callback = callback;
  }

  get clientMetadata() {
    return {
      client_name: 'Facade end-to-end (MCP TypeScript SDK)',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state() {
    this.#state = randomBytes(16).toString('base64url');
    return this.#state;
  }

  clientInformation() { return this.#client; }
  saveClientInformation(client) { this.#client = client; }
  tokens() { return this.#tokens; }
  saveTokens(tokens) { this.#tokens = tokens; }
  saveCodeVerifier(verifier) { this.#verifier = verifier; }
  codeVerifier() { return this.#verifier; }
  discoveryState() { return this.#discovery; }
  saveDiscoveryState(state) { this.#discovery = state; }

  invalidateCredentials(scope) {
    if (scope === 'all' || scope === 'client') this.#client = undefined;
    if (scope === 'all' || scope === 'tokens') this.#tokens = undefined;
    if (scope === 'all' || scope === 'verifier') this.#verifier = undefined;
    if (scope === 'all' || scope === 'discovery') this.#discovery = undefined;
  }

  /** "Opens the browser": announces the URL and starts waiting for the loopback redirect. */
  redirectToAuthorization(authorizationUrl) {
    this.authorizations++;
    this.redirect = this.callback.expect(this.#state);
    emit('authorize', { url: authorizationUrl.href });
  }
}

const callback = new LoopbackCallback();
const provider = new MemoryOAuthProvider(await callback.listen(), callback);
let transport = new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
const client = new Client(
  { name: 'facade-e2e-typescript', version: '1.0.0' },
  options.protocol === 'legacy' ? {} : { versionNegotiation: { mode: { pin: options.protocol } } });

/**
 * Runs an operation; when it stops at an authorization (UnauthorizedError after redirectToAuthorization), waits for
 * the redirect, trades the code on the transport and runs the operation again.
 */
async function authorized(operation, finish = (query) => transport.finishAuth(query)) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof UnauthorizedError) || !provider.redirect || attempt >= 2) throw error;
      const query = await provider.redirect;
      provider.redirect = undefined;
      await finish(query);
    }
  }
}

try {
  if (options['first-scope']) {
    // A client that starts small: it signs in for these scopes only, before its first MCP request.
    const result = await auth(provider, { serverUrl, scope: options['first-scope'] });
    if (result !== 'AUTHORIZED') {
      const query = await provider.redirect;
      provider.redirect = undefined;
      await auth(provider, { serverUrl, authorizationCode: query.get('code'), iss: query.get('iss') ?? undefined });
    }
  }

  // The first request meets a 401 without a token: discovery, registration, authorization; a transport starts only
  // once, so the connection starts again on a new one, which finds the tokens in the provider.
  await authorized(() => client.connect(transport), async (query) => {
    await transport.finishAuth(query);
    await transport.close().catch(() => {});
    transport = new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
  });
  emit('connected', {
    protocolVersion: client.getNegotiatedProtocolVersion(),
    server: client.getServerVersion()?.name,
    scope: provider.tokens()?.scope,
  });

  const tools = await authorized(() => client.listTools());
  emit('tools', {
    names: tools.tools.map((tool) => tool.name),
    scopes: Object.fromEntries(tools.tools.map((tool) => [tool.name, tool._meta?.['facade/scopes'] ?? []])),
    scope: provider.tokens()?.scope,
  });

  const called = await authorized(() => client.callTool({ name: 'create_task', arguments: { title: options.title, organizationId: 'org-1' } }));
  emit('called', {
    tool: 'create_task',
    isError: called.isError === true,
    text: called.content.filter((block) => block.type === 'text').map((block) => block.text).join('\n'),
    scope: provider.tokens()?.scope,
  });

  await client.close();
  emit('done', { authorizations: provider.authorizations });
} catch (error) {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  callback.close();
}
