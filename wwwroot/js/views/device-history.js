// A device's durable history in the Devices tab's device view: every frame it sent or was sent, across
// all its sessions, newest first, with a text search, a time range and a direction filter, paged with
// "Older" (the API's before cursor) and exported as CSV or JSON (the server streams the file). Device
// data is only ever inserted as text.
import { el, setHidden, setText } from '../dom.js';
import { bytes } from '../format.js';
import { getJson, HttpError } from '../http.js';
import { hexDump, visibleText } from '../payload.js';

const PAGE = 100;

let section = null;
let deviceId = null;
let nextBefore = null;
let generation = 0;
let mode = 'text';

/** Shows <paramref name="id"/>'s history at the end of <paramref name="container"/> (created once). */
export function showDeviceHistory(container, id) {
  if (!section) section = build();
  if (section.root.parentNode !== container) container.append(section.root);
  deviceId = id;
  section.q.value = '';
  section.from.value = '';
  section.to.value = '';
  section.direction.value = '';
  setHidden(section.root, false);
  reload();
}

/** Hides the history (the device view closed); a page still loading is ignored when it arrives. */
export function hideDeviceHistory() {
  deviceId = null;
  generation++;
  if (section) setHidden(section.root, true);
}

function build() {
  const root = el('section', 'device-history');
  root.setAttribute('aria-label', 'Device history');
  const head = el('div', 'device-history-head');
  const title = el('h4', null, 'History');
  const q = el('input');
  q.type = 'search';
  q.id = 'device-history-q';
  q.placeholder = 'Search the text';
  q.maxLength = 256;
  q.setAttribute('aria-label', 'Search the history');
  const from = el('input');
  from.type = 'datetime-local';
  from.id = 'device-history-from';
  from.setAttribute('aria-label', 'From');
  const to = el('input');
  to.type = 'datetime-local';
  to.id = 'device-history-to';
  to.setAttribute('aria-label', 'To');
  const direction = el('select');
  direction.id = 'device-history-direction';
  direction.setAttribute('aria-label', 'Direction');
  for (const [value, label] of [['', 'Both ways'], ['In', 'From the device'], ['Out', 'To the device']]) {
    const option = el('option', null, label);
    option.value = value;
    direction.append(option);
  }

  const hex = el('button', 'btn btn-ghost btn-small', 'Hex');
  hex.type = 'button';
  hex.id = 'device-history-hex';
  hex.setAttribute('aria-pressed', 'false');
  const csv = el('a', 'btn btn-ghost btn-small', 'CSV');
  csv.id = 'device-history-csv';
  const json = el('a', 'btn btn-ghost btn-small', 'JSON');
  json.id = 'device-history-json';
  head.append(title, q, from, to, direction, hex, csv, json);

  const list = el('ol', 'device-history-list');
  list.id = 'device-history-list';
  const older = el('button', 'btn btn-ghost btn-small', 'Older');
  older.type = 'button';
  older.id = 'device-history-older';
  const status = el('p', 'toolbar-info');
  status.id = 'device-history-status';
  status.setAttribute('role', 'status');
  root.append(head, list, older, status);

  let typing = 0;
  q.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(reload, 300);
  });
  for (const input of [from, to, direction]) input.addEventListener('change', reload);
  older.addEventListener('click', () => load(false));
  hex.addEventListener('click', () => {
    mode = mode === 'hex' ? 'text' : 'hex';
    hex.setAttribute('aria-pressed', String(mode === 'hex'));
    reload();
  });
  // The device view is a form: Enter in the search box must not submit it.
  q.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') event.preventDefault();
  });
  return { root, q, from, to, direction, list, older, status, csv, json };
}

/** The filters as query parameters; a time range in the browser's zone goes out as ISO 8601 UTC. */
function filters() {
  const query = new URLSearchParams();
  if (section.q.value) query.set('q', section.q.value);
  if (section.from.value) query.set('from', new Date(section.from.value).toISOString());
  if (section.to.value) query.set('to', new Date(section.to.value).toISOString());
  if (section.direction.value) query.set('direction', section.direction.value);
  return query;
}

function path(suffix, query) {
  const text = query.toString();
  return `/api/devices/${encodeURIComponent(deviceId)}/messages${suffix}${text ? `?${text}` : ''}`;
}

function reload() {
  section.list.replaceChildren();
  nextBefore = null;
  const csv = filters();
  csv.set('format', 'csv');
  const json = filters();
  json.set('format', 'json');
  section.csv.href = path('/export', csv);
  section.json.href = path('/export', json);
  load(true);
}

async function load(first) {
  if (!deviceId) return;
  const mine = ++generation;
  const query = filters();
  query.set('limit', String(PAGE));
  if (!first && nextBefore !== null) query.set('before', String(nextBefore));
  setText(section.status, 'Loading…');
  try {
    const page = await getJson(path('', query));
    if (mine !== generation) return;
    for (const item of page.items) section.list.append(line(item));
    nextBefore = page.nextBefore ?? null;
    setHidden(section.older, nextBefore === null);
    const shown = section.list.childElementCount;
    setText(section.status, shown === 0 ? 'No messages match.' : `${shown} message${shown === 1 ? '' : 's'} shown${nextBefore === null ? '' : ', older ones on request'}.`);
  } catch (error) {
    if (mine !== generation) return;
    setHidden(section.older, true);
    setText(section.status, error instanceof HttpError ? error.message : 'The history could not be loaded.');
  }
}

function line(item) {
  const incoming = item.direction === 'In';
  const li = el('li', `frame ${incoming ? 'frame-in' : 'frame-out'}`);
  const time = el('span', 'frame-time', new Date(item.at).toLocaleString());
  time.title = `session ${item.sessionId} · ${item.listener}`;
  const data = mode === 'hex' ? el('span', 'frame-data hexdump', hexDump(item.hex)) : el('span', 'frame-data', visibleText(item.text));
  if (item.truncated) data.append(el('span', 'truncated', ` … (${bytes(item.length)} in all)`));
  li.append(time, el('span', `dir ${incoming ? 'dir-in' : 'dir-out'}`, incoming ? 'IN' : 'OUT'), data, el('span', 'frame-size', bytes(item.length)));
  return li;
}
