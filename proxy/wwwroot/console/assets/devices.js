// /console/devices: the user's devices (GET /devices?include=latest through the edge) and their telemetry, live from
// the edge's /realtime WebSocket (browser form: subprotocols "facade.realtime.v1" and "bearer.<token>").
'use strict';

(() => {
  const { token, el, jsonOrError } = window.FacadeConsole;
  const status = document.getElementById('live-status');
  const tokenId = document.getElementById('live-token');
  const reconnect = document.getElementById('reconnect');
  const failure = document.getElementById('devices-error');
  const table = document.getElementById('devices');
  const rows = new Map();
  let socket = null;
  let devices = [];

  function setStatus(state, text, code) {
    status.dataset.state = state;
    if (code !== undefined) {
      status.dataset.closeCode = String(code);
    } else {
      delete status.dataset.closeCode;
    }

    status.textContent = text;
  }

  function showError(text) {
    failure.textContent = text;
    failure.hidden = !text;
  }

  /** Readings as {key: {value, unit?, ts?}} from the REST answer or an event's data (metrics as numbers or objects). */
  function readingsOf(data) {
    const source = data && typeof data === 'object' ? (data.metrics || data.readings || data.latest || data) : {};
    const readings = {};
    for (const [key, value] of Object.entries(source)) {
      if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
        readings[key] = { value };
      } else if (value && typeof value === 'object' && 'value' in value) {
        readings[key] = value;
      }
    }

    return readings;
  }

  function renderReadings(row, readings) {
    for (const [key, reading] of Object.entries(readings)) {
      // Live events may carry bare numbers: keep the unit the REST answer named.
      row.readings[key] = { unit: row.readings[key]?.unit, ...reading };
    }

    const list = el('dl', { class: 'readings' });
    for (const key of Object.keys(row.readings).sort()) {
      const reading = row.readings[key];
      list.append(el('div', { dataset: { metric: key } },
        el('dt', {}, key),
        el('dd', {}, String(reading.value) + (reading.unit ? ' ' + reading.unit : ''))));
    }

    row.telemetry.replaceChildren(Object.keys(row.readings).length ? list : el('span', { class: 'muted' }, 'no readings yet'));
  }

  function render(list) {
    const body = table.tBodies[0];
    body.replaceChildren();
    rows.clear();
    for (const device of list) {
      const telemetry = el('td', { class: 'telemetry' });
      const updated = el('td', { class: 'updated' }, '—');
      const state = el('td', { class: 'status' }, device.status && device.status.online ? 'online' : 'offline');
      const tr = el('tr', { dataset: { device: device.id, events: '0' } },
        el('td', {}, el('strong', {}, device.name || device.id), el('br'), el('code', { class: 'muted' }, device.id),
          device.access && device.access !== 'owner' ? el('span', { class: 'tag' }, 'shared') : null),
        state, telemetry, updated);
      const row = { tr, telemetry, updated, state, readings: {} };
      rows.set(device.id, row);
      renderReadings(row, readingsOf(device.latest || {}));
      body.append(tr);
    }

    table.hidden = list.length === 0;
    document.getElementById('no-devices').hidden = list.length !== 0;
  }

  async function load(credential) {
    const response = await fetch('/devices?include=latest&limit=100', { headers: { Authorization: 'Bearer ' + credential.token } });
    const body = await jsonOrError(response);
    if (!response.ok) {
      throw new Error(`Could not list your devices (${response.status} ${body.error || ''}): ${body.error_description || ''}`);
    }

    return body.devices || [];
  }

  function onMessage(message) {
    switch (message.type) {
      case 'welcome':
        setStatus('open', 'Live: receiving telemetry.');
        for (const device of devices) {
          socket.send(JSON.stringify({ type: 'subscribe', id: device.id, channel: `devices/${device.id}/telemetry` }));
        }
        break;
      case 'subscribed': {
        const row = rows.get(message.id);
        if (row) {
          row.tr.dataset.subscribed = 'true';
        }
        break;
      }
      case 'event': {
        const match = /^devices\/([^/]+)\/telemetry$/.exec(message.channel || '');
        const row = match && rows.get(match[1]);
        if (row) {
          renderReadings(row, readingsOf(message.data));
          row.tr.dataset.events = String(Number(row.tr.dataset.events) + 1);
          row.updated.textContent = new Date(message.time || Date.now()).toLocaleTimeString();
          row.tr.classList.remove('flash');
          void row.tr.offsetWidth;
          row.tr.classList.add('flash');
        }
        break;
      }
      case 'error': {
        const row = rows.get(message.id);
        if (row) {
          row.updated.textContent = `live updates refused: ${message.error}`;
        } else {
          showError(`Realtime: ${message.error}: ${message.error_description || ''}`);
        }
        break;
      }
      default:
        break;
    }
  }

  function connect(credential) {
    tokenId.textContent = credential.jti ? credential.jti.slice(0, 8) : '—';
    tokenId.title = credential.jti || '';
    tokenId.dataset.jti = credential.jti || '';
    setStatus('connecting', 'Connecting to live updates…');
    reconnect.hidden = true;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const current = new WebSocket(`${scheme}//${location.host}/realtime`, ['facade.realtime.v1', 'bearer.' + credential.token]);
    socket = current;
    current.addEventListener('message', event => {
      try {
        onMessage(JSON.parse(event.data));
      } catch (error) {
        showError('Realtime: ' + error.message);
      }
    });
    current.addEventListener('close', event => {
      if (socket !== current) {
        return;
      }

      const reason = event.reason || (event.code === 1006 ? 'the connection failed' : 'closed');
      setStatus('closed', `Live updates stopped: ${reason} (${event.code}).`, event.code);
      if (event.code === 4401) {
        // The console's token ran out: carry on with a new one.
        start(true);
        return;
      }

      reconnect.hidden = false;
    });
  }

  async function start(fresh) {
    try {
      showError('');
      const credential = await token(fresh);
      devices = await load(credential);
      render(devices);
      connect(credential);
    } catch (error) {
      setStatus('closed', 'Not connected.');
      showError(error.message);
      reconnect.hidden = false;
    }
  }

  reconnect.addEventListener('click', () => start(true));
  start(false);
})();
