// The dashboard's state: what the hub has told us, and what the operator has chosen. Views read it
// and subscribe to topics; only the functions here change it.
//
// Topics: 'hub' (connection state), 'user', 'snapshot', 'sessions' ({ added, removed, reset }), 'closed',
// 'totals', 'selection', 'focus', 'traffic' (a TrafficBatch), 'cluster' (a ClusterStatus).
const subscribers = new Map();

export function on(topic, fn) {
  if (!subscribers.has(topic)) subscribers.set(topic, []);
  subscribers.get(topic).push(fn);
}

function emit(topic, detail) {
  for (const fn of subscribers.get(topic) ?? []) fn(detail);
}

export const store = {
  hub: 'connecting',
  hubAttempt: 0,
  /** Why the server refused the connection, when store.hub is 'refused'. */
  hubReason: null,
  /** The signed-in user ({ name, role }), once known. */
  user: null,
  listeners: [],
  /** Live sessions by id (SessionRow records). */
  sessions: new Map(),
  /** Recently closed sessions, newest first (ClosedSessionRow records). */
  closed: [],
  totals: null,
  totalsHistory: [],
  /** The cluster (ClusterStatus): on a single node { enabled: false } and nothing else changes. */
  cluster: { enabled: false, localNode: null, degraded: null, nodes: [] },
  settings: { flushIntervalMilliseconds: 250, trafficPreviewBytes: 1024, maxWatchedSessions: 16, recentlyClosedShown: 200 },
  /** Server clock minus browser clock, so "connected for" is right on a browser with a skewed clock. */
  clockSkew: 0,
  selection: new Set(),
  focusedId: null,
  /** The focused session's last known row, kept after it closes so the pane can say why. */
  focusedClosed: null,
};

export const serverNow = () => Date.now() + store.clockSkew;
export const isLive = () => store.hub === 'connected';
/** Viewers watch; only Operators send and kick. Unknown (not yet fetched) is left to the server to decide. */
export const canOperate = () => store.user === null || store.user.role === 'Operator';

export function setUser(user) {
  store.user = user;
  emit('user', user);
}

export function setHubState(state, attempt, reason = null) {
  store.hub = state;
  store.hubAttempt = attempt;
  store.hubReason = reason;
  emit('hub', state);
}

export function applySnapshot(snapshot) {
  store.clockSkew = snapshot.time - Date.now();
  store.listeners = snapshot.listeners;
  store.settings = snapshot.settings;
  store.sessions = new Map(snapshot.sessions.map((s) => [s.id, s]));
  store.closed = snapshot.recentlyClosed.slice(0, snapshot.settings.recentlyClosedShown);
  store.totalsHistory = snapshot.totalsHistory.slice();
  store.totals = store.totalsHistory.at(-1) ?? store.totals;
  store.cluster = snapshot.cluster ?? store.cluster;
  for (const id of [...store.selection]) {
    if (!store.sessions.has(id)) store.selection.delete(id);
  }

  emit('snapshot', snapshot);
  emit('cluster', store.cluster);
  emit('sessions', { added: [], removed: [], reset: true });
  emit('closed');
  emit('selection');
  if (store.focusedId && !store.sessions.has(store.focusedId)) {
    markFocusedClosed(store.closed.find((c) => c.id === store.focusedId) ?? null);
  }
}

export function applyDelta(delta) {
  const added = [];
  for (const row of delta.upserted) {
    if (!store.sessions.has(row.id)) added.push(row.id);
    store.sessions.set(row.id, row);
  }

  const removed = [];
  let selectionChanged = false;
  for (const row of delta.closed) {
    if (store.sessions.delete(row.id)) removed.push(row.id);
    selectionChanged = store.selection.delete(row.id) || selectionChanged;
    if (row.id === store.focusedId) markFocusedClosed(row);
  }

  // Sessions of other nodes that left the cluster view (their close reasons are in those nodes' lists).
  for (const gone of delta.removed ?? []) {
    if (store.sessions.delete(gone.id)) removed.push(gone.id);
    selectionChanged = store.selection.delete(gone.id) || selectionChanged;
    if (gone.id === store.focusedId) {
      markFocusedClosed({ id: gone.id, node: gone.node, reason: 'Gone', detail: `left the cluster view (it was on node ${gone.node})`, closedAt: serverNow() });
    }
  }

  if (delta.closed.length) {
    store.closed = [...delta.closed.slice().reverse(), ...store.closed].slice(0, store.settings.recentlyClosedShown);
  }

  emit('sessions', { added, removed, reset: false });
  if (delta.closed.length) emit('closed');
  if (selectionChanged) emit('selection');
}

export function applyTotals(totals) {
  store.totals = totals;
  store.totalsHistory.push(totals);
  if (store.totalsHistory.length > 3600) store.totalsHistory.shift();
  emit('totals', totals);
}

/** The degraded state or the node list changed (cluster only). */
export function applyCluster(status) {
  store.cluster = status;
  emit('cluster', status);
}

export function receiveTraffic(batch) {
  emit('traffic', batch);
}

function markFocusedClosed(closedRow) {
  store.focusedClosed = closedRow ?? { id: store.focusedId, reason: 'Unknown', detail: null, closedAt: serverNow() };
  emit('focus', store.focusedId);
}

/** Replaces, extends or toggles the selection. */
export function select(ids, mode = 'replace') {
  if (mode === 'replace') store.selection.clear();
  for (const id of ids) {
    if (mode === 'toggle' && store.selection.has(id)) store.selection.delete(id);
    else if (store.sessions.has(id)) store.selection.add(id);
  }

  emit('selection');
}

export function clearSelection() {
  store.selection.clear();
  emit('selection');
}

/** Shows a session in the pane (null for none). */
export function focus(id) {
  if (store.focusedId === id) return;
  store.focusedId = id;
  store.focusedClosed = null;
  emit('focus', id);
}
