// The Outbound tab: devices that are TCP servers, which the server dials (GET/POST/DELETE /api/connections).
// Add a target with a framing, see each connection's state, start, stop and remove it. Names, targets and
// errors are text from outside: they go into the page through textContent only.
import { byId, el, setHidden, setText } from '../dom.js';
import { count } from '../format.js';
import { callApi, getJson } from '../http.js';
import { canOperate, isLive, on } from '../state.js';
import { isTabShown, onTabShown } from './tabs.js';

/** How often the shown tab refreshes (states change on the server: backoff, redial). */
const REFRESH_MS = 2000;

const connection = (name) => `/api/connections/${encodeURIComponent(name)}`;

export function initOutbound() {
  onTabShown('tab-outbound', load);
  byId('outbound-form').addEventListener('submit', (event) => {
    event.preventDefault();
    add();
  });
  on('user', renderControls);
  on('hub', renderControls);
  setInterval(() => {
    if (isTabShown('tab-outbound')) load();
  }, REFRESH_MS);
  renderControls();
  load();
}

function renderControls() {
  setHidden(byId('outbound-form'), !canOperate());
  byId('outbound-add').disabled = !isLive() || !canOperate();
}

/** The framing object for the chosen kind and its one option. */
function framing() {
  const kind = byId('outbound-kind').value;
  const option = byId('outbound-option').value.trim();
  const framing = { kind };
  if (kind === 'Delimiter') framing.delimiter = option;
  if (kind === 'LengthPrefixed' && option) framing.headerBytes = Number(option);
  if (kind === 'Fixed') framing.frameBytes = Number(option);
  return framing;
}

async function add() {
  const status = byId('outbound-status');
  const name = byId('outbound-name').value.trim();
  const target = byId('outbound-target').value.trim();
  try {
    await callApi('POST', '/api/connections', { name, target, framing: framing() });
    setText(status, `Dialling ${target}.`);
    byId('outbound-name').value = '';
    byId('outbound-target').value = '';
  } catch (error) {
    setText(status, error.message);
  }
  load();
}

async function act(name, action) {
  const status = byId('outbound-status');
  try {
    if (action === 'remove') await callApi('DELETE', connection(name));
    else await callApi('POST', `${connection(name)}/${action}`);
    setText(status, `${name}: ${action === 'remove' ? 'removed' : action === 'stop' ? 'stopped' : 'started'}.`);
  } catch (error) {
    setText(status, error.message);
  }
  load();
}

async function load() {
  let items;
  try {
    items = await getJson('/api/connections');
  } catch (error) {
    setText(byId('outbound-status'), error.message);
    return;
  }

  setText(byId('count-outbound'), count(items.length));
  const body = byId('outbound-body');
  body.replaceChildren(...items.map(row));
  setHidden(byId('outbound-empty'), items.length > 0);
}

function row(item) {
  const tr = el('tr');
  tr.dataset.name = item.name;
  const state = item.state === 'Connected' && item.sessionId ? `Connected (${item.sessionId})`
    : item.state === 'Backoff' && item.nextAttemptAt ? `Backoff until ${new Date(item.nextAttemptAt).toLocaleTimeString()}`
    : item.state;
  tr.append(
    el('td', 'mono', item.name),
    el('td', 'mono', item.target),
    el('td', null, item.framingText),
    el('td', `outbound-state state-${item.state.toLowerCase()}`, state),
    el('td', null, count(item.attempts)),
    el('td', null, item.lastError ?? ''),
  );
  const actions = el('td');
  if (canOperate()) {
    const running = item.state !== 'Stopped';
    const toggle = el('button', 'btn btn-ghost btn-small', running ? 'Stop' : 'Start');
    toggle.type = 'button';
    toggle.disabled = !isLive();
    toggle.addEventListener('click', () => act(item.name, running ? 'stop' : 'start'));
    actions.append(toggle);
    if (item.source === 'api') {
      const remove = el('button', 'btn btn-danger-soft btn-small', 'Remove');
      remove.type = 'button';
      remove.disabled = !isLive();
      remove.addEventListener('click', () => act(item.name, 'remove'));
      actions.append(remove);
    }
  }
  tr.append(actions);
  return tr;
}
