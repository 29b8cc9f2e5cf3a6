// The device editor's history: GET /api/devices/{id}/messages (newest first, across every session the
// device had) with text search, direction and a time range, paged with "Older", and the same filters as a
// CSV export. Read only when asked for (Search), not on every device opened. Frames are device data: text only. A server without the durable history answers 404 or a
// ProblemDetails saying it is off, shown as it is.
import { byId, el, setHidden, setText } from '../dom.js';
import { clock, when } from '../format.js';
import { getJson, HttpError } from '../http.js';
import { visibleText } from '../payload.js';

/** Frames per page. */
const HISTORY_PAGE = 100;

let deviceId = null;
let nextBefore = null;
let request = 0;

export function initDeviceHistory() {
  byId('history-load').addEventListener('click', () => load(false));
  byId('history-q').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      load(false);
    }
  });
  byId('history-older').addEventListener('click', () => load(true));
}

/** Switches to another device (or to none, with null); its history is read when asked for (Search). */
export function showHistory(id) {
  deviceId = id;
  request++;
  nextBefore = null;
  byId('history-list').replaceChildren();
  setText(byId('history-status'), id === null ? '' : 'Search to read what this device sent and received, across all its sessions.');
  setHidden(byId('history-older'), true);
  byId('history-export').removeAttribute('href');
}

function filters() {
  const query = new URLSearchParams();
  const q = byId('history-q').value.trim();
  if (q) query.set('q', q);
  const direction = byId('history-direction').value;
  if (direction) query.set('direction', direction);
  for (const [name, input] of [['from', 'history-from'], ['to', 'history-to']]) {
    const value = byId(input).value;
    if (value) query.set(name, new Date(value).toISOString());
  }
  return query;
}

async function load(older) {
  if (deviceId === null) return;
  const id = deviceId;
  const mine = ++request;
  const query = filters();
  byId('history-export').href = `/api/devices/${encodeURIComponent(id)}/messages/export?${new URLSearchParams([...query, ['format', 'csv']])}`;
  query.set('limit', String(HISTORY_PAGE));
  if (older && nextBefore !== null) query.set('before', String(nextBefore));
  try {
    const page = await getJson(`/api/devices/${encodeURIComponent(id)}/messages?${query}`);
    if (mine !== request || deviceId !== id) return;
    const rows = page.items.map(frame);
    if (older) byId('history-list').append(...rows);
    else byId('history-list').replaceChildren(...rows);
    nextBefore = page.nextBefore ?? null;
    setHidden(byId('history-older'), nextBefore === null);
    const shown = byId('history-list').childElementCount;
    setText(byId('history-status'), shown === 0 ? 'No frame matches.' : `${shown} frames, newest first.`);
  } catch (error) {
    if (mine !== request) return;
    byId('history-list').replaceChildren();
    setHidden(byId('history-older'), true);
    setText(byId('history-status'), error instanceof HttpError && error.status === 404
      ? 'This server keeps no durable history.'
      : 'Could not read the history.');
  }
}

function frame(item) {
  const li = el('li', 'history-frame');
  const at = Date.parse(item.at);
  const time = el('span', 'history-time', `${when(at).split(' ').length > 1 ? when(at) : clock(at)}`);
  time.title = `${new Date(at).toString()}\nSession ${item.sessionId} · ${item.listener}`;
  const inbound = item.direction === 'In';
  const dir = el('span', inbound ? 'dir-in' : 'dir-out', inbound ? '◀' : '▶');
  dir.title = inbound ? 'From the device' : 'To the device';
  const data = el('span', 'history-data', visibleText(item.text));
  data.title = `${item.length} bytes${item.truncated ? ' (start kept)' : ''} · ${item.hex}`;
  li.append(time, dir, data);
  return li;
}
