// The focused session: its facts, and its live traffic while it is watched. Watching follows the
// focus (one session at a time) and is renewed after a reconnect, since the server forgets the watches
// of a closed connection.
import * as actions from '../actions.js';
import { byId, lockIcon, perFrame, setHidden, setText } from '../dom.js';
import { ago, bytes, count, duration, when } from '../format.js';
import { isLive, on, serverNow, store } from '../state.js';
import { initRawReads } from './raw-reads.js';
import { appendFrames, initTrafficLog, resetLog } from './traffic-log.js';

let watched = null;
let logFor = null;
let pendingWatch = null;
let early = [];
let historyTail = { time: 0, keys: new Set() };
/** The remote session the composer status last explained (once per focus, not per render). */
let remoteNoted = null;
/** Whether the focused session is encrypted, as last seen live (closed rows do not say). */
let transport = { id: null, encrypted: null };

export function initSessionPane() {
  initTrafficLog();
  initRawReads();
  const badge = byId('pane-transport');
  badge.append(lockIcon('tls-icon'), document.createElement('span'));
  const schedule = perFrame(renderFacts);
  on('focus', () => {
    renderFocus();
    follow();
  });
  on('sessions', schedule);
  // A closed connection's watches are gone on the server. Every (re)connection starts with a
  // snapshot, so the focused session is watched again once that has told us whether it still lives.
  on('hub', (state) => {
    if (state !== 'connected') watched = null;
    schedule();
  });
  on('snapshot', follow);
  on('traffic', onTraffic);
  setInterval(schedule, 1000);
  renderFocus();
}

function renderFocus() {
  const id = store.focusedId;
  setHidden(byId('pane-empty'), id !== null);
  setHidden(byId('pane-body'), id === null);
  if (id === null) return;
  setText(byId('pane-id'), id);
  renderFacts();
}

function renderFacts() {
  const id = store.focusedId;
  if (id === null) return;
  const live = store.sessions.get(id);
  const closed = live ? null : store.focusedClosed;
  const row = live ?? closed;
  const now = serverNow();
  byId('pane-status').classList.toggle('closed', !live);
  setHidden(byId('pane-closed'), live !== undefined);
  if (closed) {
    setText(byId('pane-closed'), `Closed ${when(closed.closedAt)}: ${closed.reason}${closed.detail ? ` — ${closed.detail}` : ''}`);
  }

  if (!row) return;
  setText(byId('pane-listener'), row.listener ?? '');
  setHidden(byId('pane-node'), !row.node);
  setText(byId('pane-node'), row.node ? `node ${row.node}` : '');
  renderTransport(id, live);
  setText(byId('fact-device'), row.deviceId ?? '—');
  setText(byId('fact-remote'), row.remoteEndPoint ?? '—');
  setText(byId('fact-connected'), live ? `${duration(now - row.connectedAt)} ago` : duration((closed.closedAt ?? now) - row.connectedAt));
  byId('fact-connected').title = row.connectedAt ? new Date(row.connectedAt).toString() : '';
  setText(byId('fact-in-bytes'), bytes(row.bytesIn ?? 0));
  setText(byId('fact-in-frames'), frameCount(row.framesIn ?? 0));
  setText(byId('fact-out-bytes'), bytes(row.bytesOut ?? 0));
  setText(byId('fact-out-frames'), frameCount(row.framesOut ?? 0));
  setText(byId('fact-activity'), live ? ago(Math.max(row.lastReceivedAt, row.lastSentAt), now) : '—');
  setText(byId('fact-queue'), live ? bytes(row.queuedBytes) : '—');
}

function renderTransport(id, live) {
  if (live) transport = { id, encrypted: live.encrypted };
  const badge = byId('pane-transport');
  const known = transport.id === id && transport.encrypted !== null;
  setHidden(badge, !known);
  if (!known) return;
  badge.classList.toggle('encrypted', transport.encrypted);
  setText(badge.lastChild, transport.encrypted ? 'TLS' : 'Plain TCP');
  badge.title = transport.encrypted ? 'The connection is encrypted (TLS).' : 'The connection is not encrypted.';
}

const frameCount = (n) => `${count(n)} frame${n === 1 ? '' : 's'}`;

/**
 * Makes the watched session the focused one. A new focus starts a new log; a focused session that
 * closed keeps its log (what it said last is often why it closed), it is just no longer watched.
 */
async function follow() {
  const id = store.focusedId;
  if (id !== logFor) {
    logFor = id;
    resetLog(id, []);
  }

  const row = id ? store.sessions.get(id) : undefined;
  // Traffic is recorded by the node that holds the session: one on another node is not watched from here.
  const remote = Boolean(row?.node && store.cluster.enabled && row.node !== store.cluster.localNode);
  if (remote && id !== remoteNoted) {
    remoteNoted = id;
    setText(byId('composer-status'), `This session is on node ${row.node}: its live traffic shows on that node's dashboard; send and kick work from here.`);
  }
  const target = row && !remote ? id : null;
  if (target === watched || !isLive()) return;
  const previous = watched;
  watched = target;
  if (previous) actions.unwatch(previous).catch(() => {});
  if (!target) return;

  pendingWatch = target;
  early = [];
  try {
    const result = await actions.watch(target);
    if (watched !== target) return;
    const history = result.ok ? result.history : [];
    rememberTail(history);
    resetLog(target, history);
    if (!result.ok) setText(byId('composer-status'), result.error);
    for (const batch of early) onTraffic(batch);
  } catch (error) {
    console.warn('Watch failed', error);
    if (watched === target) watched = null;
  } finally {
    if (pendingWatch === target) pendingWatch = null;
    early = [];
  }
}

function rememberTail(history) {
  const last = history.at(-1);
  historyTail = { time: last?.time ?? 0, keys: new Set(history.filter((f) => f.time === last?.time).map(frameKey)) };
}

const frameKey = (f) => `${f.time}|${f.direction}|${f.length}|${f.hex}`;

function onTraffic(batch) {
  if (batch.sessionId !== watched) return;
  if (pendingWatch === batch.sessionId) {
    early.push(batch);
    return;
  }

  // A frame can be both in the history and in the first live batch: drop such repeats.
  const frames = batch.frames.filter((f) => f.time > historyTail.time || (f.time === historyTail.time && !historyTail.keys.has(frameKey(f))));
  if (frames.length || batch.dropped) appendFrames(frames, batch.dropped);
}
