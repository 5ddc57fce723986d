// /console/tools: lists the MCP tools of the edge's /mcp (tools/list), renders a form from the chosen tool's input
// schema and calls it (tools/call), both with the console's first-party token. Tools carry the scopes they need in
// _meta["facade/scopes"] (mcp-adapter/Mcp/McpHandlers.cs); one needing a scope the token lacks cannot be called.
'use strict';

(() => {
  const { token, el, jsonOrError } = window.FacadeConsole;
  const ProtocolVersion = '2025-11-25';
  const ScopesKey = 'facade/scopes';
  const $ = id => document.getElementById(id);
  let tools = [];
  let scopes = [];
  let nextId = 1;

  class ToolError extends Error {}

  /** One JSON-RPC request to /mcp (stateless streamable HTTP); the answer comes as JSON or as SSE events. */
  async function rpc(method, params) {
    const credential = await token();
    const id = nextId++;
    const response = await fetch('/mcp', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': ProtocolVersion,
        Authorization: 'Bearer ' + credential.token,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
    });
    if (!response.ok) {
      const body = await jsonOrError(response);
      const scope = body.scope ? ` (needs ${body.scope})` : '';
      throw new ToolError(`${response.status} ${body.error || ''}${scope}: ${body.error_description || ''}`);
    }

    const text = await response.text();
    const messages = (response.headers.get('content-type') || '').includes('text/event-stream')
      ? text.split(/\r?\n\r?\n/).map(event => event.split(/\r?\n/).filter(l => l.startsWith('data:')).map(l => l.slice(5).trim()).join(''))
        .filter(data => data).map(data => JSON.parse(data))
      : [JSON.parse(text)];
    const answer = messages.find(m => m.id === id);
    if (!answer) {
      throw new ToolError('The server sent no answer.');
    }

    if (answer.error) {
      throw new ToolError(`${answer.error.message} (JSON-RPC ${answer.error.code})`);
    }

    return answer.result;
  }

  const neededScopes = tool => (tool._meta && tool._meta[ScopesKey]) || [];
  const missingScopes = tool => neededScopes(tool).filter(s => !scopes.includes(s));
  const typeOf = schema => {
    const type = Array.isArray(schema.type) ? schema.type.find(t => t !== 'null') : schema.type;
    return schema.enum ? 'enum' : type || 'json';
  };

  /** One form field for a property of the input schema. */
  function field(name, schema, required) {
    const id = 'arg-' + name;
    const type = typeOf(schema);
    const hint = schema.description ? el('p', { class: 'hint', id: id + '-hint' }, schema.description) : null;
    const common = { id, name, dataset: { arg: name, kind: type }, 'aria-describedby': hint ? id + '-hint' : null, required: required || null };
    let input;
    if (type === 'enum') {
      input = el('select', common,
        required ? null : el('option', { value: '' }, '(not set)'),
        schema.enum.map(v => el('option', { value: JSON.stringify(v) }, String(v))));
    } else if (type === 'boolean') {
      input = el('select', common,
        required ? null : el('option', { value: '' }, '(not set)'),
        el('option', { value: 'true' }, 'true'), el('option', { value: 'false' }, 'false'));
    } else if (type === 'integer' || type === 'number') {
      input = el('input', { ...common, type: 'number', step: type === 'integer' ? '1' : 'any', min: schema.minimum ?? null, max: schema.maximum ?? null,
        placeholder: schema.default !== undefined ? `default ${schema.default}` : null });
    } else if (type === 'string') {
      input = el('input', { ...common, type: 'text', autocomplete: 'off', placeholder: schema.format === 'date-time' ? '2026-01-31T12:00:00Z' : (schema.default ?? null) });
    } else {
      input = el('textarea', { ...common, rows: '4', spellcheck: 'false', placeholder: type === 'array' ? '[ … ] (JSON)' : '{ … } (JSON)' });
    }

    return el('div', { class: 'field' },
      el('label', { for: id }, name, required ? el('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null,
        el('span', { class: 'muted' }, ` (${type === 'json' ? 'JSON' : type})`)),
      input, hint, el('p', { class: 'field-error', id: id + '-error', hidden: true }));
  }

  /** The arguments the form holds, or the first invalid field (its message shown beside it). */
  function collect() {
    const args = {};
    let invalid = null;
    for (const input of $('tool-fields').querySelectorAll('[data-arg]')) {
      const error = $(input.id + '-error');
      error.hidden = true;
      input.removeAttribute('aria-invalid');
      const raw = input.value.trim();
      const fail = message => {
        error.textContent = message;
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-errormessage', error.id);
        invalid ??= input;
      };
      if (raw === '') {
        if (input.required) {
          fail('Required.');
        }
        continue;
      }

      const kind = input.dataset.kind;
      if (kind === 'enum') {
        args[input.dataset.arg] = JSON.parse(raw);
      } else if (kind === 'boolean') {
        args[input.dataset.arg] = raw === 'true';
      } else if (kind === 'integer' || kind === 'number') {
        const number = Number(raw);
        if (!Number.isFinite(number) || (kind === 'integer' && !Number.isInteger(number))) {
          fail(kind === 'integer' ? 'Enter a whole number.' : 'Enter a number.');
        } else {
          args[input.dataset.arg] = number;
        }
      } else if (kind === 'string') {
        args[input.dataset.arg] = input.value;
      } else {
        try {
          const value = JSON.parse(raw);
          if (kind === 'array' && !Array.isArray(value)) {
            fail('Enter a JSON array, e.g. ["a", "b"].');
          } else if (kind === 'object' && (value === null || typeof value !== 'object' || Array.isArray(value))) {
            fail('Enter a JSON object, e.g. {"key": "value"}.');
          } else {
            args[input.dataset.arg] = value;
          }
        } catch (error) {
          fail('Not valid JSON: ' + error.message);
        }
      }
    }

    return { args, invalid };
  }

  function show(tool) {
    const missing = missingScopes(tool);
    $('tool').hidden = false;
    $('tool').dataset.tool = tool.name;
    $('tool-title').textContent = tool.title || tool.name;
    $('tool-description').textContent = tool.description || '';
    $('tool-scopes').textContent = neededScopes(tool).join(' ') || 'no scope';
    $('tool-unavailable').hidden = missing.length === 0;
    $('tool-unavailable').textContent = missing.length ? `You may not call this tool: it needs ${missing.join(' ')}, which your account may not hold.` : '';
    $('call-tool').disabled = missing.length > 0;
    const schema = tool.inputSchema || {};
    const required = schema.required || [];
    const properties = Object.entries(schema.properties || {});
    $('tool-fields').replaceChildren(...(properties.length
      ? properties.map(([name, property]) => field(name, property, required.includes(name)))
      : [el('p', { class: 'muted' }, 'This tool takes no arguments.')]));
    $('tool-result').hidden = true;
  }

  function showResult(kind, text, structured) {
    $('tool-result').hidden = false;
    $('tool-result').dataset.outcome = kind;
    $('tool-result-status').textContent = kind === 'ok' ? 'The tool answered.' : kind === 'tool-error' ? 'The tool reported an error.' : 'The call failed.';
    $('tool-result-text').textContent = text;
    $('tool-result-structured-wrap').hidden = structured === undefined || structured === null;
    $('tool-result-structured').textContent = structured ? JSON.stringify(structured, null, 2) : '';
  }

  $('tool-select').addEventListener('change', () => show(tools[Number($('tool-select').value)]));

  $('tool-form').addEventListener('submit', async event => {
    event.preventDefault();
    const tool = tools[Number($('tool-select').value)];
    const { args, invalid } = collect();
    if (invalid) {
      invalid.focus();
      return;
    }

    const button = $('call-tool');
    button.disabled = true;
    button.textContent = 'Calling…';
    try {
      const result = await rpc('tools/call', { name: tool.name, arguments: args });
      const text = (result.content || []).map(c => c.type === 'text' ? c.text : `[${c.type}]`).join('\n');
      showResult(result.isError ? 'tool-error' : 'ok', text, result.structuredContent);
    } catch (error) {
      showResult('failed', error.message);
    } finally {
      button.disabled = missingScopes(tool).length > 0;
      button.textContent = 'Call';
    }
  });

  async function start() {
    try {
      scopes = (await token()).scopes;
      const result = await rpc('tools/list', {});
      tools = (result.tools || []).slice().sort((a, b) => missingScopes(a).length - missingScopes(b).length || a.name.localeCompare(b.name));
      $('tool-select').replaceChildren(...tools.map((tool, index) => el('option', { value: String(index), dataset: { tool: tool.name } },
        tool.name + (missingScopes(tool).length ? ` — needs ${missingScopes(tool).join(' ')}` : ''))));
      const callable = tools.filter(t => missingScopes(t).length === 0).length;
      $('tools-status').textContent = `${tools.length} tools, ${callable} you may call.`;
      $('tool-picker').hidden = tools.length === 0;
      if (tools.length) {
        show(tools[0]);
      }
    } catch (error) {
      $('tools-status').textContent = 'Could not list the tools.';
      $('tools-error').textContent = error.message;
      $('tools-error').hidden = false;
    }
  }

  start();
})();
