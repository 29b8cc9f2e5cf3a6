// The Capacity tab: this node against its bounds (descriptors, memory, queues), refusals by reason, the
// connect rate, each event loop's load and the busiest sessions, from GET /api/server every 2 s while the
// tab is shown (and every 10 s while it is not, for the warning badge on the tab). Session ids, device ids
// and addresses come from clients: text only.
import { byId, el, setHidden, setText } from '../dom.js';
import { byteRate, bytes, count, rate } from '../format.js';
import { getJson } from '../http.js';
import { focus } from '../state.js';
import { isTabShown, onTabShown } from './tabs.js';

const SHOWN_MS = 2000;
const HIDDEN_MS = 10000;

/** Above these shares of a bound a gauge turns amber, then red; the same shares raise a warning. */
const HIGH = 0.75;
const CRITICAL = 0.9;

/** A loop this busy keeps its sessions waiting for each other. */
const BUSY_LOOP_PERCENT = 85;

let timer = 0;
let inFlight = false;
let previousRefused = null;

export function initCapacity() {
  onTabShown('tab-capacity', () => refresh());
  for (const id of ['capacity-by-bytes-body', 'capacity-by-frames-body']) {
    byId(id).addEventListener('click', (event) => {
      const button = event.target.closest('button[data-session]');
      if (button) focus(button.dataset.session);
    });
  }
  schedule(1000);
}

function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(refresh, ms);
}

async function refresh() {
  if (inFlight) return;
  inFlight = true;
  try {
    const server = await getJson('/api/server');
    if (server.capacity) render(server.capacity);
    setText(byId('capacity-status'), '');
  } catch (error) {
    setText(byId('capacity-status'), `Could not read the capacity: ${error.message}`);
  } finally {
    inFlight = false;
    schedule(isTabShown('tab-capacity') ? SHOWN_MS : HIDDEN_MS);
  }
}

function render(capacity) {
  const alerts = warnings(capacity);
  setHidden(byId('count-capacity'), alerts.length === 0);
  byId('count-capacity').title = alerts.join('\n');
  if (!isTabShown('tab-capacity')) return;

  const list = byId('capacity-alerts');
  list.replaceChildren(...alerts.map((text) => el('li', 'capacity-alert-line', text)));
  setHidden(list, alerts.length === 0);
  renderGauges(capacity);
  renderLoops(capacity);
  renderListeners(capacity);
  renderBusiest('capacity-by-bytes-body', capacity.busiest.byBytes, (s) => bytes(s.bytes), (s) => byteRate(s.bytesPerSecond));
  renderBusiest('capacity-by-frames-body', capacity.busiest.byFrames, (s) => count(s.frames), (s) => `${rate(s.framesPerSecond)}/s`);
}

/** What an operator should look at now, in words. */
function warnings(capacity) {
  const out = [];
  const d = capacity.descriptors;
  if (d.limit > 0 && d.open / d.limit >= HIGH) out.push(`File descriptors: ${count(d.open)} of ${count(d.limit)} open (${percent(d.open / d.limit)}).`);
  if (d.maxSessions > 0 && d.sessions / d.maxSessions >= HIGH) out.push(`Sessions: ${count(d.sessions)} of the budget's ${count(d.maxSessions)}.`);
  const m = capacity.memory;
  if (m.outboundLimitBytes > 0 && m.outboundQueuedBytes / m.outboundLimitBytes >= HIGH) out.push(`Outbound queues hold ${bytes(m.outboundQueuedBytes)} of ${bytes(m.outboundLimitBytes)}: clients are not reading.`);
  if (m.availableBytes > 0 && m.workingSetBytes / m.availableBytes >= HIGH) out.push(`Memory: ${bytes(m.workingSetBytes)} resident of ${bytes(m.availableBytes)} available.`);
  for (const loop of capacity.eventLoops) {
    if (loop.busyPercent >= BUSY_LOOP_PERCENT) out.push(`Event loop ${loop.index} is ${loop.busyPercent}% busy.`);
  }
  const refused = capacity.rejections.total;
  if (previousRefused !== null && refused > previousRefused) out.push(`${count(refused - previousRefused)} connections refused since the last refresh.`);
  previousRefused = refused;
  return out;
}

function renderGauges(capacity) {
  const d = capacity.descriptors;
  const m = capacity.memory;
  const gauges = [
    gauge('File descriptors', d.open, d.limit, count, d.limit > 0 ? `limit ${count(d.limit)}, ${count(d.openAtStart)} at start` : 'no limit known'),
    gauge('Sessions', d.sessions, d.maxSessions, count, `${rate(capacity.connectsPerSecond)} connects/s · ${rate(capacity.disconnectsPerSecond)} closes/s`),
    gauge('HTTP connections', d.httpConnections, d.maxHttpConnections, count, 'dashboard, API and metrics'),
    gauge('Memory (resident)', m.workingSetBytes, m.availableBytes, bytes, `heap ${bytes(m.managedHeapBytes)} · worst case by configuration ${bytes(m.worstCaseBytes)}`),
    gauge('Outbound queues', m.outboundQueuedBytes, m.outboundLimitBytes, bytes, 'bytes waiting for slow clients'),
    gauge('Session histories', m.historyBytes, m.historyLimitBytes, bytes, 'the sessions\' recent frames'),
  ];
  byId('capacity-gauges').replaceChildren(...gauges);
}

function gauge(label, value, max, format, note) {
  const box = el('div', 'capacity-gauge');
  box.dataset.gauge = label;
  const head = el('div', 'capacity-gauge-head');
  head.append(el('span', 'capacity-gauge-label', label), el('span', 'capacity-gauge-value', max > 0 ? `${format(value)} / ${format(max)}` : format(value)));
  const meter = el('meter', 'capacity-meter');
  meter.min = 0;
  meter.max = max > 0 ? max : Math.max(1, value);
  meter.low = meter.max * HIGH;
  meter.high = meter.max * CRITICAL;
  meter.optimum = 0;
  meter.value = value;
  meter.setAttribute('aria-label', label);
  box.append(head, meter, el('small', 'capacity-gauge-note', note));
  return box;
}

function renderLoops(capacity) {
  const body = byId('capacity-loops-body');
  if (capacity.eventLoops.length === 0) {
    const row = el('tr');
    const cell = el('td', 'capacity-none', 'No event loops: the TCP listeners run on Kestrel\'s socket transport here.');
    cell.colSpan = 5;
    row.append(cell);
    body.replaceChildren(row);
  } else {
    body.replaceChildren(...capacity.eventLoops.map((loop) => {
      const row = el('tr');
      row.dataset.loop = String(loop.index);
      const busy = el('td', 'capacity-busy');
      const meter = el('meter', 'capacity-meter');
      Object.assign(meter, { min: 0, max: 100, low: 50, high: BUSY_LOOP_PERCENT, optimum: 0, value: loop.busyPercent });
      meter.setAttribute('aria-label', `Loop ${loop.index} busy`);
      busy.append(meter, el('span', 'capacity-busy-value', `${loop.busyPercent}%`));
      row.append(el('td', null, String(loop.index)), busy, numeric(rate(loop.eventsPerSecond)), numeric(rate(loop.wakeupsPerSecond)), numeric(count(loop.connections)));
      return row;
    }));
  }
  const pool = capacity.threadPool;
  setText(byId('capacity-pool'), `Thread pool: ${count(pool.threads)} threads, ${count(pool.queuedWorkItems)} work items waiting, ${rate(pool.completedPerSecond)} completed/s.`);
}

function renderListeners(capacity) {
  byId('capacity-listeners-body').replaceChildren(...capacity.listeners.map((listener) => {
    const row = el('tr');
    row.dataset.listener = listener.name;
    row.append(el('td', null, listener.name), el('td', null, `${count(listener.sessions)} / ${count(listener.maxConnections)}`), numeric(rate(listener.connectsPerSecond)), numeric(count(listener.rejections.total)));
    return row;
  }));

  const r = capacity.rejections;
  const reasons = [
    ['Connection limit', r.listeners.connectionLimit],
    ['Per-address limit', r.listeners.addressLimit],
    ['Connect rate', r.listeners.rate],
    ['Denied address', r.listeners.denied],
    ['Banned address', r.listeners.banned],
    ['Untrusted proxy', r.listeners.untrustedProxy],
    ['Bad PROXY header', r.listeners.proxyHeader],
    ['Descriptor budget spent', r.descriptorBudget],
    ['Accept: out of descriptors', r.acceptOutOfResources],
    ['Accept: reset by peer', r.acceptReset],
    ['Accept: gone before registration', r.acceptRegistration],
  ];
  const list = byId('capacity-refusals');
  list.replaceChildren(...reasons.flatMap(([label, value]) => {
    const term = el('dt', null, label);
    const detail = el('dd', value > 0 ? 'capacity-refused' : null, count(value ?? 0));
    detail.dataset.reason = label;
    return [term, detail];
  }));
}

function renderBusiest(bodyId, sessions, amount, perSecond) {
  const body = byId(bodyId);
  if (sessions.length === 0) {
    const row = el('tr');
    const cell = el('td', 'capacity-none', 'No traffic in the window.');
    cell.colSpan = 4;
    row.append(cell);
    body.replaceChildren(row);
    return;
  }
  body.replaceChildren(...sessions.map((s) => {
    const row = el('tr');
    row.dataset.session = s.id;
    const who = el('td', 'capacity-who');
    const open = el('button', 'link-button', s.deviceId ?? s.id);
    open.type = 'button';
    open.dataset.session = s.id;
    open.title = `Show session ${s.id}${s.remoteEndPoint ? ` from ${s.remoteEndPoint}` : ''}`;
    who.append(open);
    if (s.remoteEndPoint) who.append(el('small', null, s.remoteEndPoint));
    row.append(who, el('td', null, s.listener), numeric(amount(s)), numeric(perSecond(s)));
    return row;
  }));
}

const numeric = (text) => el('td', 'num', text);
const percent = (share) => `${Math.round(share * 100)}%`;
