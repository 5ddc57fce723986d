// The console's shared script: a first-party access token for the page's own calls, and copy buttons.
// No framework, no CDN; the edge's CSP allows only this origin's script files (Hosting/ContentSecurityPolicy.cs).
'use strict';

(() => {
  let cached = null;

  /** The payload of a JWT (no signature check: the page only reads its own token's jti and expiry). */
  function payloadOf(jwt) {
    const part = jwt.split('.')[1] || '';
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  function signInAgain() {
    location.assign('/account/login?ReturnUrl=' + encodeURIComponent(location.pathname + location.search));
  }

  async function jsonOrError(response) {
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      return { error: 'http_' + response.status, error_description: text.slice(0, 200) };
    }
  }

  /**
   * A first-party token (POST /oauth/first-party-token with the session's antiforgery token), reused until a minute
   * before it expires; `fresh` asks for a new one (after a revocation). Resolves to {token, scopes, jti, expiresAt}.
   */
  async function token(fresh = false) {
    if (!fresh && cached && cached.expiresAt - Date.now() > 60_000) {
      return cached;
    }

    const antiforgery = await fetch('/account/antiforgery', { credentials: 'same-origin', cache: 'no-store' });
    if (antiforgery.status === 401) {
      signInAgain();
      throw new Error('Your session ended: sign in again.');
    }

    const af = await jsonOrError(antiforgery);
    if (!antiforgery.ok) {
      throw new Error(af.error_description || af.error);
    }

    const minted = await fetch('/oauth/first-party-token', {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { [af.headerName]: af.token },
    });
    const body = await jsonOrError(minted);
    if (minted.status === 401) {
      signInAgain();
      throw new Error('Your session ended: sign in again.');
    }

    if (!minted.ok) {
      throw new Error(body.error_description || body.error);
    }

    const claims = payloadOf(body.access_token);
    cached = {
      token: body.access_token,
      scopes: (body.scope || '').split(' ').filter(s => s),
      jti: claims.jti,
      expiresAt: Date.now() + body.expires_in * 1000,
    };
    return cached;
  }

  /** Copies the text of the element named by a button's data-copy (a field's value or an element's text). */
  async function copy(button) {
    const target = document.getElementById(button.dataset.copy);
    if (!target) {
      return;
    }

    const text = 'value' in target ? target.value : target.textContent;
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      // No clipboard permission (e.g. an insecure origin): select the text so Ctrl+C copies it.
      const range = document.createRange();
      range.selectNodeContents(target);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      if ('select' in target) {
        target.select();
      }

      button.textContent = 'Selected: press Ctrl+C';
    }

    button.dataset.copied = 'true';
    setTimeout(() => { button.textContent = label; }, 2500);
  }

  document.addEventListener('click', event => {
    const button = event.target.closest('button[data-copy]');
    if (button) {
      copy(button);
    }
  });

  document.addEventListener('DOMContentLoaded', () => {
    // After creating a key, move focus to it so a keyboard or screen reader user lands on what must be copied.
    document.getElementById('new-key')?.focus();
  });

  /** Creates an element with attributes and children (strings become text nodes, never HTML). */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === false || value === null || value === undefined) {
        continue;
      }

      if (name === 'dataset') {
        Object.assign(node.dataset, value);
      } else if (name in node && typeof value !== 'string') {
        node[name] = value;
      } else {
        node.setAttribute(name, value === true ? '' : value);
      }
    }

    node.append(...children.flat().filter(c => c !== null && c !== undefined));
    return node;
  }

  window.FacadeConsole = { token, el, jsonOrError };
})();
