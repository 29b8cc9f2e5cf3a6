// The live session table: filter, sort, multi-select, virtualized. Only the rows in view (plus a few)
// exist in the DOM and are reused as the table scrolls, so 10,000 sessions draw as fast as 30; the
// ordered, filtered list of ids is rebuilt at most once per animation frame, and only when a delta
// can have changed it. In a cluster a Node column and a node filter show where each session is held.
// An identified session shows its device first and its connection id second; the Last message column
// shows the newest frame received (the server's safe one-line preview, drawn as text only).
import { byId, el, lockIcon, perFrame, setHidden, setText } from '../dom.js';
import { ago, bytes, count, duration } from '../format.js';
import { clearSelection, focus, on, select, serverNow, store } from '../state.js';

const ROW_HEIGHT = 34;
const OVERSCAN = 6;

/** Sort keys: how to read the value, and whether deltas can change it. */
const sortKeys = {
  // Devices first, by device id; then the sessions that are not identified, by connection id.
  // (A session can be identified after it appeared, so deltas can change it; it still sorts A to Z first.)
  id: { value: (s) => (s.deviceId ? `0${s.deviceId}` : `1${s.id}`), volatile: true, ascending: true },
  listener: { value: (s) => s.listener, volatile: false },
  node: { value: (s) => s.node ?? '', volatile: false },
  remote: { value: (s) => s.remoteEndPoint ?? '', volatile: false },
  last: { value: (s) => s.lastMessage ?? '', volatile: true, ascending: true },
  age: { value: (s) => -s.connectedAt, volatile: false },
  activity: { value: (s) => Math.max(s.lastReceivedAt, s.lastSentAt), volatile: true },
  bytesIn: { value: (s) => s.bytesIn, volatile: true },
  bytesOut: { value: (s) => s.bytesOut, volatile: true },
  framesIn: { value: (s) => s.framesIn, volatile: true },
  framesOut: { value: (s) => s.framesOut, volatile: true },
  queue: { value: (s) => s.queuedBytes, volatile: true },
};

const columns = [
  { key: 'id', className: 'cell cell-id', text: (s) => s.id, paint: paintId },
  { key: 'listener', className: 'cell cell-listener', text: (s) => s.listener },
  { key: 'node', className: 'cell cell-node', text: (s) => s.node ?? '' },
  { key: 'remote', className: 'cell cell-remote', text: (s) => s.remoteEndPoint ?? '—' },
  { key: 'last', className: 'cell cell-last', text: (s) => s.lastMessage ?? '' },
  { key: 'age', className: 'cell num', text: (s, now) => duration(now - s.connectedAt) },
  { key: 'activity', className: 'cell num', text: (s, now) => ago(Math.max(s.lastReceivedAt, s.lastSentAt), now) },
  { key: 'bytesIn', className: 'cell num', text: (s) => bytes(s.bytesIn) },
  { key: 'bytesOut', className: 'cell num', text: (s) => bytes(s.bytesOut) },
  { key: 'framesIn', className: 'cell num', text: (s) => count(s.framesIn) },
  { key: 'framesOut', className: 'cell num', text: (s) => count(s.framesOut) },
  { key: 'queue', className: 'cell num', text: (s) => (s.queuedBytes ? bytes(s.queuedBytes) : '0') },
];

const ACTIVITY = columns.findIndex((c) => c.key === 'activity');
const QUEUE = columns.findIndex((c) => c.key === 'queue');

const sort = { key: 'age', direction: 1 };
let filterTerms = [];
/** The node the table is narrowed to ('' for all). */
let nodeFilter = '';
let view = [];
let viewStale = true;
let anchorId = null;
const searchText = new Map();
const pool = [];

let grid;
let body;
let head;

export function initSessionTable() {
  grid = byId('session-grid');
  body = byId('grid-body');
  head = grid.querySelector('.grid-head');
  const schedule = perFrame(render);

  on('sessions', ({ added, removed, reset }) => {
    if (reset) searchText.clear();
    for (const id of removed) searchText.delete(id);
    if (reset || added.length || removed.length || sortKeys[sort.key].volatile) viewStale = true;
    schedule();
  });
  on('selection', schedule);
  on('focus', schedule);

  on('cluster', () => {
    renderNodeFilter();
    schedule();
  });
  byId('node-filter').addEventListener('change', (event) => {
    nodeFilter = event.target.value;
    viewStale = true;
    schedule();
  });

  byId('filter').addEventListener('input', (event) => {
    filterTerms = event.target.value.toLowerCase().split(/\s+/).filter(Boolean);
    viewStale = true;
    schedule();
  });

  head.addEventListener('click', (event) => {
    const button = event.target.closest('[data-sort]');
    if (!button) return;
    const key = button.dataset.sort;
    // Counters sort largest first at the first click, names A to Z.
    sort.direction = sort.key === key ? -sort.direction : (sortKeys[key].volatile && !sortKeys[key].ascending ? -1 : 1);
    sort.key = key;
    viewStale = true;
    schedule();
  });

  byId('select-all').addEventListener('change', (event) => {
    if (event.target.checked) select(view, 'add');
    else select(view, 'toggle');
  });

  // Clearing the selection also closes the pane, so no Kick stays enabled for a session no longer chosen.
  byId('clear-selection').addEventListener('click', () => {
    clearSelection();
    focus(null);
  });
  body.addEventListener('click', onRowClick);
  grid.addEventListener('keydown', onKey);
  grid.addEventListener('scroll', schedule, { passive: true });
  new ResizeObserver(schedule).observe(grid);
  // Durations and "ago" move with the clock even when nothing else changes.
  setInterval(schedule, 1000);
  schedule();
}

/** The node filter lists every node the cluster knows; hidden on a single node. */
function renderNodeFilter() {
  const cluster = store.cluster;
  const select = byId('node-filter');
  setHidden(select, !cluster.enabled);
  const names = cluster.enabled ? cluster.nodes.map((n) => n.name) : [];
  if (nodeFilter && !names.includes(nodeFilter)) names.push(nodeFilter);
  const shown = [...select.options].slice(1).map((o) => o.value);
  if (shown.join('\n') !== names.join('\n')) {
    const options = names.map((name) => {
      const option = el('option', null, name === cluster.localNode ? `${name} (this node)` : name);
      option.value = name;
      return option;
    });
    select.replaceChildren(select.options[0], ...options);
    select.value = nodeFilter;
  }

  if (!cluster.enabled && nodeFilter) {
    nodeFilter = '';
    select.value = '';
    viewStale = true;
  }
}

function matches(session) {
  if (nodeFilter && session.node !== nodeFilter) return false;
  if (filterTerms.length === 0) return true;
  let cached = searchText.get(session.id);
  // A session can be identified after it was first seen: its device id joins its text then.
  if (cached === undefined || cached.device !== session.deviceId) {
    // "tls" finds the encrypted sessions.
    const text = `${session.deviceId ?? ''} ${session.id} ${session.listener} ${session.remoteEndPoint ?? ''}${session.encrypted ? ' tls' : ''}${session.node ? ` ${session.node}` : ''}`.toLowerCase();
    cached = { device: session.deviceId, text };
    searchText.set(session.id, cached);
  }

  return filterTerms.every((term) => cached.text.includes(term));
}

function rebuildView() {
  const read = sortKeys[sort.key].value;
  const rows = [];
  for (const session of store.sessions.values()) {
    if (matches(session)) rows.push({ id: session.id, key: read(session) });
  }

  const direction = sort.direction;
  rows.sort((a, b) => (a.key < b.key ? -direction : a.key > b.key ? direction : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  view = rows.map((r) => r.id);
  viewStale = false;
}

function render() {
  if (viewStale) rebuildView();
  const total = store.sessions.size;
  body.style.height = `${view.length * ROW_HEIGHT}px`;

  const top = Math.max(0, grid.scrollTop - body.offsetTop);
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const visible = Math.ceil(grid.clientHeight / ROW_HEIGHT) + OVERSCAN * 2;
  const last = Math.min(view.length, first + visible);
  while (pool.length < visible) pool.push(createRow());

  const now = serverNow();
  for (let i = 0; i < pool.length; i++) {
    const row = pool[i];
    const index = first + i;
    const session = index < last ? store.sessions.get(view[index]) : undefined;
    if (!session) {
      if (row.element.parentNode) row.element.remove();
      row.id = null;
      continue;
    }

    if (!row.element.parentNode) body.append(row.element);
    paintRow(row, session, index, now);
  }

  grid.setAttribute('aria-rowcount', String(view.length + 1));
  renderChrome(total);
}

function createRow() {
  const element = el('div', 'row');
  element.setAttribute('role', 'row');
  const checkCell = el('span', 'cell cell-check');
  checkCell.setAttribute('role', 'gridcell');
  const checkbox = el('input');
  checkbox.type = 'checkbox';
  checkbox.tabIndex = -1;
  checkCell.append(checkbox);
  element.append(checkCell);
  let lock = null;
  const cells = columns.map((column) => {
    // c-<key> names the column, so the stylesheet can drop columns on narrow screens.
    const cell = el('span', `${column.className} c-${column.key}`);
    cell.setAttribute('role', 'gridcell');
    element.append(cell);
    if (column.key === 'id') {
      // The device (when identified), then the connection id.
      const device = el('span', 'id-device');
      const connection = el('span', 'id-connection');
      cell.append(device, connection);
      return { device, connection };
    }

    if (column.key !== 'remote') return cell;

    // The remote address carries a padlock when the connection uses TLS.
    lock = el('span', 'tls');
    lock.title = 'Encrypted (TLS)';
    lock.setAttribute('role', 'img');
    lock.setAttribute('aria-label', 'Encrypted (TLS)');
    lock.append(lockIcon('tls-icon'));
    const text = el('span', 'remote-text');
    cell.append(lock, text);
    return text;
  });
  return { element, checkbox, cells, lock, id: null, top: -1 };
}

function paintRow(row, session, index, now) {
  if (row.id !== session.id) {
    row.id = session.id;
    row.element.dataset.id = session.id;
    row.checkbox.setAttribute('aria-label', `Select session ${session.id}`);
  }

  const top = index * ROW_HEIGHT;
  if (row.top !== top) {
    row.top = top;
    row.element.style.transform = `translateY(${top}px)`;
    row.element.dataset.index = String(index);
    row.element.setAttribute('aria-rowindex', String(index + 2));
  }

  const selected = store.selection.has(session.id);
  row.element.setAttribute('aria-selected', String(selected));
  row.element.classList.toggle('focused', store.focusedId === session.id);
  row.checkbox.checked = selected;
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c];
    if (column.paint) column.paint(row.cells[c], session);
    else setText(row.cells[c], column.text(session, now));
  }
  setHidden(row.lock, !session.encrypted);
  const lastActivity = Math.max(session.lastReceivedAt, session.lastSentAt);
  row.cells[ACTIVITY].classList.toggle('cell-fresh', lastActivity > 0 && now - lastActivity < 2000);
  row.cells[QUEUE].classList.toggle('cell-warn', session.queuedBytes > 65536);
  row.cells[QUEUE].classList.toggle('cell-dim', session.queuedBytes === 0);
}

/** The Session cell: the device id first when the session is identified, the connection id after it. */
function paintId(cell, session) {
  setText(cell.device, session.deviceId ?? '');
  setHidden(cell.device, !session.deviceId);
  setText(cell.connection, session.id);
}

function renderChrome(total) {
  for (const button of head.querySelectorAll('[data-sort]')) {
    if (button.dataset.sort === sort.key) button.setAttribute('aria-sort', sort.direction > 0 ? 'ascending' : 'descending');
    else button.removeAttribute('aria-sort');
  }

  setText(byId('count-live'), count(total));
  const filtered = filterTerms.length > 0 || nodeFilter !== '';
  setText(byId('table-info'), filtered ? `${count(view.length)} of ${count(total)} shown` : `${count(total)} sessions`);

  const selected = store.selection.size;
  const info = byId('selection-info');
  setHidden(info, selected === 0);
  setHidden(byId('clear-selection'), selected === 0);
  setText(info, `${count(selected)} selected`);

  const selectAll = byId('select-all');
  const shownSelected = selected === 0 ? 0 : view.reduce((n, id) => n + (store.selection.has(id) ? 1 : 0), 0);
  selectAll.checked = view.length > 0 && shownSelected === view.length;
  selectAll.indeterminate = shownSelected > 0 && shownSelected < view.length;

  const empty = byId('grid-empty');
  setHidden(empty, view.length > 0);
  if (view.length === 0) {
    const listening = store.listeners.map((l) => `${l.name} (${l.endPoint})`).join(', ');
    const text = byId('filter').value.trim();
    const onNode = nodeFilter ? ` on node ${nodeFilter}` : '';
    setText(empty, total > 0
      ? (text ? `No session${onNode} matches “${text}”.` : `No session${onNode}.`)
      : `No TCP clients connected yet. Waiting on ${listening || 'the configured listeners'}.`);
  }
}

function onRowClick(event) {
  const rowElement = event.target.closest('.row');
  if (!rowElement) return;
  const id = rowElement.dataset.id;
  if (event.target.type === 'checkbox') {
    select([id], 'toggle');
    anchorId = id;
    return;
  }

  if (event.shiftKey && anchorId && view.includes(anchorId)) {
    const from = view.indexOf(anchorId);
    const to = view.indexOf(id);
    select(view.slice(Math.min(from, to), Math.max(from, to) + 1), event.ctrlKey || event.metaKey ? 'add' : 'replace');
  } else if (event.ctrlKey || event.metaKey) {
    select([id], 'toggle');
    anchorId = id;
    // Ctrl-clicking a row out of the selection leaves the pane on the session it shows.
    if (!store.selection.has(id)) return;
  } else {
    select([id]);
    anchorId = id;
  }

  focus(id);
  grid.focus({ preventScroll: true });
}

function onKey(event) {
  if (event.target !== grid) return;
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    const current = view.indexOf(store.focusedId);
    const next = Math.min(view.length - 1, Math.max(0, current + (event.key === 'ArrowDown' ? 1 : -1)));
    const id = view[next];
    if (!id) return;
    select([id], event.shiftKey ? 'add' : 'replace');
    focus(id);
    scrollIntoView(next);
  } else if (event.key === 'a' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    select(view, 'add');
  } else if (event.key === 'Escape') {
    clearSelection();
  }
}

function scrollIntoView(index) {
  const top = body.offsetTop + index * ROW_HEIGHT;
  const headHeight = head.offsetHeight;
  if (top - headHeight < grid.scrollTop) grid.scrollTop = top - headHeight;
  else if (top + ROW_HEIGHT > grid.scrollTop + grid.clientHeight) grid.scrollTop = top + ROW_HEIGHT - grid.clientHeight;
}
