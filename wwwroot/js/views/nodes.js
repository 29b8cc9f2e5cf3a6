// The cluster in the page: the node chip in the top bar, the degraded banner, and the Nodes tab (every
// node with its state, sessions and last heartbeat; Operators drain any node from here). On a single
// node all of it stays hidden. Node names and addresses come from Redis, so they are text only.
import { byId, el, setHidden, setText } from '../dom.js';
import { ago, count, when } from '../format.js';
import { drainNode, HttpError } from '../http.js';
import { on, serverNow, store } from '../state.js';
import { isTabShown, onTabShown, selectTab } from './tabs.js';

/** How long a Drain button stays armed for its confirming second click. */
const CONFIRM_MS = 5000;

/** The node whose Drain button is armed, and until when. */
let armed = { name: null, until: 0 };
let draining = false;

export function initNodes() {
  on('cluster', render);
  on('user', render);
  onTabShown('tab-nodes', renderTable);
  byId('nodes-body').addEventListener('click', onClick);
  // "Last heartbeat 3s ago" moves with the clock.
  setInterval(() => {
    if (isTabShown('tab-nodes')) renderTable();
  }, 1000);
  render();
}

const isOperator = () => store.user?.role === 'Operator';

function render() {
  const cluster = store.cluster;
  document.body.dataset.clustered = String(cluster.enabled);
  setHidden(byId('node-chip'), !cluster.enabled);
  setText(byId('node-chip-name'), cluster.localNode ?? '');
  setHidden(byId('tab-nodes'), !cluster.enabled);
  if (!cluster.enabled && isTabShown('tab-nodes')) selectTab('tab-live');
  setText(byId('count-nodes'), count(cluster.nodes.filter((n) => n.state !== 'Down').length));

  const degraded = cluster.enabled && Boolean(cluster.degraded);
  setHidden(byId('cluster-banner'), !degraded);
  setText(byId('cluster-banner-text'), degraded ? cluster.degraded : '');
  if (isTabShown('tab-nodes')) renderTable();
}

/** Rows are kept per node and updated in place, so the per-second refresh never swaps a button under a click. */
const rows = new Map();

function renderTable() {
  const now = serverNow();
  const body = byId('nodes-body');
  const names = new Set(store.cluster.nodes.map((n) => n.name));
  for (const [name, r] of rows) {
    if (!names.has(name)) {
      r.tr.remove();
      rows.delete(name);
    }
  }

  store.cluster.nodes.forEach((node, index) => {
    let r = rows.get(node.name);
    if (!r) {
      r = createRow(node.name);
      rows.set(node.name, r);
    }
    if (body.children[index] !== r.tr) body.insertBefore(r.tr, body.children[index] ?? null);
    paint(r, node, now);
  });
}

function createRow(name) {
  const tr = el('tr', 'node-row');
  tr.dataset.node = name;
  const cells = {};
  for (const key of ['name', 'address', 'version', 'started', 'sessions', 'heartbeat', 'state', 'actions']) {
    cells[key] = el('td', `n-${key}`);
    tr.append(cells[key]);
  }
  cells.name.append(el('span', null, name), el('small', null, 'this node'));
  cells.state.append(el('span', 'node-state'));
  return { tr, cells, actions: null };
}

function paint(r, node, now) {
  const { tr, cells } = r;
  tr.dataset.state = node.state;
  setHidden(cells.name.lastChild, !node.local);
  setText(cells.address, node.address ?? '—');
  cells.address.title = node.address ?? '';
  setText(cells.version, node.version ?? '—');
  setText(cells.started, when(node.startedAt));
  cells.started.title = new Date(node.startedAt).toString();
  setText(cells.sessions, count(node.sessions));
  setText(cells.heartbeat, ago(node.lastHeartbeat, now));
  cells.heartbeat.title = new Date(node.lastHeartbeat).toString();
  const badge = cells.state.firstChild;
  badge.className = `node-state state-${String(node.state).toLowerCase()}`;
  setText(badge, node.state);

  const confirming = armed.name === node.name && Date.now() < armed.until;
  const signature = [isOperator(), node.local, node.state, node.address, confirming, draining].join('|');
  if (r.actions !== signature) {
    r.actions = signature;
    cells.actions.replaceChildren(...actions(node, confirming));
  }
}

/** Any node drains from here: a drain of another node travels to it over its command channel. */
function actions(node, confirming) {
  if (!isOperator() || node.state === 'Down') return [];
  const button = el('button', confirming ? 'btn btn-danger btn-small' : 'btn btn-danger-soft btn-small',
    node.state === 'Draining' ? 'Draining' : confirming ? 'Confirm drain' : 'Drain…');
  button.type = 'button';
  button.dataset.drain = node.name;
  button.disabled = node.state === 'Draining' || draining;
  button.title = 'Make /readyz answer 503 so the balancer sends new devices elsewhere, then close the node\'s sessions at its configured rate.';
  return [button];
}

async function onClick(event) {
  const button = event.target.closest('[data-drain]');
  if (!button || button.disabled) return;
  const name = button.dataset.drain;
  if (armed.name !== name || Date.now() >= armed.until) {
    armed = { name, until: Date.now() + CONFIRM_MS };
    setTimeout(renderTable, CONFIRM_MS + 50);
    renderTable();
    return;
  }

  armed = { name: null, until: 0 };
  draining = true;
  renderTable();
  const status = byId('nodes-status');
  try {
    const result = await drainNode(name);
    setText(status, result.alreadyDraining
      ? `Node ${result.node} was already draining.`
      : `Draining node ${result.node}: ${count(result.sessions)} sessions, closed at ${count(result.sessionsPerSecond)} a second.`);
  } catch (error) {
    setText(status, error instanceof HttpError ? error.message : 'Could not start the drain.');
    if (!(error instanceof HttpError)) console.warn('Drain', error);
  } finally {
    draining = false;
    renderTable();
  }
}
