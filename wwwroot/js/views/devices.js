// The Devices tab: the durable registry (online and offline devices) from GET /api/devices, with tags as
// chips, filters by text, tag and state, an editor for alias, tags and notes, sends to one device (with a
// queue while it is offline) and sends and kicks by tag. Device ids, aliases, tags and notes are untrusted
// text: they go into the page through textContent only.
import { byId, el, setHidden, setText } from '../dom.js';
import { bytes, count, when } from '../format.js';
import { HttpError } from '../http.js';
import { canOperate, isLive, on } from '../state.js';
import { isTabShown, onTabShown } from './tabs.js';
import {
  cancelPending, devicePage, devicePending, forgetDevice, kickTag, sendToDevice, sendToTag, updateDevice,
} from './devices-api.js';
import { hideDeviceHistory, showDeviceHistory } from './device-history.js';

/** Rows per page. */
export const DEVICES_PAGE_SIZE = 50;

/** How long typing in a filter waits before the list is asked for again. */
const FILTER_DELAY_MS = 250;

/** How often a shown tab refreshes on its own (sessions coming and going also refresh it). */
const REFRESH_MS = 5000;

const TAG = /^[A-Za-z0-9_.:-]{1,64}$/;

let page = 1;
let total = 0;
let request = 0;
let filterTimer = 0;
let reloadTimer = 0;
let editing = null;

export function initDevices() {
  onTabShown('tab-devices', load);
  byId('devices-refresh').addEventListener('click', load);
  byId('devices-prev').addEventListener('click', () => goTo(page - 1));
  byId('devices-next').addEventListener('click', () => goTo(page + 1));
  for (const id of ['devices-filter', 'devices-tag']) byId(id).addEventListener('input', filterChanged);
  byId('devices-online').addEventListener('change', () => goTo(1));
  byId('tag-command').addEventListener('submit', (event) => {
    event.preventDefault();
    runTagCommand('send');
  });
  byId('tag-kick').addEventListener('click', () => runTagCommand('kick'));
  byId('device-editor').addEventListener('submit', (event) => {
    event.preventDefault();
    save();
  });
  byId('device-editor-close').addEventListener('click', closeEditor);
  byId('device-forget').addEventListener('click', forget);
  byId('device-send').addEventListener('click', send);
  byId('device-history-show').addEventListener('click', showHistory);
  on('user', renderControls);
  on('hub', renderControls);
  // A device coming or going is a session opening or closing: refresh soon after, while the tab is shown.
  on('sessions', () => scheduleReload(500));
  setInterval(() => scheduleReload(0), REFRESH_MS);
  renderControls();
  load();
}

function renderControls() {
  const operator = canOperate();
  for (const section of document.querySelectorAll('#panel-devices [data-operator]')) setHidden(section, !operator);
  const off = !isLive();
  for (const id of ['tag-send', 'tag-kick', 'device-save', 'device-forget', 'device-send']) byId(id).disabled = off || !operator;
}

function filterChanged() {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => goTo(1), FILTER_DELAY_MS);
}

function scheduleReload(delay) {
  if (!isTabShown('tab-devices') || reloadTimer) return;
  reloadTimer = setTimeout(() => {
    reloadTimer = 0;
    load();
  }, delay);
}

function goTo(next) {
  page = Math.max(1, next);
  load();
}

async function load() {
  const mine = ++request;
  const tag = byId('devices-tag').value.trim();
  if (tag && !TAG.test(tag)) {
    renderMessage('A tag is 1 to 64 letters, digits, “_”, “.”, “:” or “-”.');
    return;
  }

  byId('devices-table').setAttribute('aria-busy', 'true');
  try {
    const result = await devicePage({ q: byId('devices-filter').value.trim(), tag, online: byId('devices-online').value, page, pageSize: DEVICES_PAGE_SIZE });
    if (mine !== request) return;
    total = result.total;
    renderRows(result.items);
    renderInfo(result);
  } catch (error) {
    if (mine !== request) return;
    renderMessage(error instanceof HttpError ? `Could not load the devices: ${error.message}` : 'Could not load the devices. Try Refresh.');
  } finally {
    if (mine === request) byId('devices-table').setAttribute('aria-busy', 'false');
  }
}

function renderInfo(result) {
  setText(byId('count-devices'), count(result.registry.devices));
  const first = (page - 1) * DEVICES_PAGE_SIZE + 1;
  const last = Math.min(total, page * DEVICES_PAGE_SIZE);
  const refused = result.registry.refused > 0 ? ` · ${count(result.registry.refused)} not registered (registry full)` : '';
  setText(byId('devices-info'), total === 0 ? refused.slice(3) : `${count(first)}–${count(last)} of ${count(total)}${refused}`);
  byId('devices-prev').disabled = page <= 1;
  byId('devices-next').disabled = page * DEVICES_PAGE_SIZE >= total;
}

function renderMessage(text) {
  byId('devices-body').replaceChildren();
  const empty = byId('devices-empty');
  setHidden(empty, false);
  setText(empty, text);
}

function renderRows(items) {
  byId('devices-body').replaceChildren(...items.map(row));
  const empty = byId('devices-empty');
  setHidden(empty, items.length > 0);
  const filtered = byId('devices-filter').value || byId('devices-tag').value || byId('devices-online').value;
  setText(empty, filtered ? 'No device matches the filter.' : 'No device has identified yet.');
  if (editing) {
    const fresh = items.find((d) => d.id === editing.id);
    if (fresh) renderEditorFacts(fresh);
  }
}

function row(device) {
  const tr = el('tr', 'device-row');
  tr.dataset.id = device.id;
  tr.dataset.online = String(device.online);
  tr.tabIndex = 0;
  const state = el('td', 'd-state');
  state.append(el('span', `status-dot${device.online ? '' : ' closed'}`));
  state.title = device.online ? `Online (session ${device.sessionId ?? '?'})` : 'Offline';
  const id = el('td', 'd-id');
  id.append(el('span', 'device-id mono', device.id));
  if (device.alias) id.append(el('small', 'device-alias', device.alias));
  const tags = el('td', 'd-tags');
  for (const tag of device.tags) {
    const chip = el('button', 'chip', tag);
    chip.type = 'button';
    chip.title = `Show devices tagged ${tag}`;
    chip.addEventListener('click', (event) => {
      event.stopPropagation();
      byId('devices-tag').value = tag;
      byId('tag-command-tag').value = tag;
      goTo(1);
    });
    tags.append(chip);
  }

  const seen = el('td', 'd-seen', when(Date.parse(device.lastSeenAt)));
  seen.title = `First seen ${new Date(Date.parse(device.firstSeenAt)).toString()}\nLast from ${device.lastRemoteEndPoint ?? '?'}`;
  tr.append(state, id, tags, el('td', 'd-listener', device.listener ?? '—'), seen,
    el('td', 'd-sessions num', count(device.sessionCount)), el('td', 'd-pending num', device.pending ? count(device.pending) : '—'));
  tr.addEventListener('click', () => openEditor(device));
  tr.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') openEditor(device);
  });
  return tr;
}

function openEditor(device) {
  editing = device;
  setHidden(byId('device-editor'), false);
  setText(byId('device-editor-id'), device.id);
  byId('device-alias').value = device.alias ?? '';
  byId('device-tags').value = device.tags.join(' ');
  byId('device-notes').value = device.notes ?? '';
  byId('device-queue').checked = !device.online;
  setText(byId('device-editor-status'), '');
  renderEditorFacts(device);
  loadPending();
  hideHistory();
}

/** The device's durable history (js/views/device-history.js), read when asked for. */
function showHistory() {
  if (!editing) return;
  setHidden(byId('device-history-show'), true);
  showDeviceHistory(byId('device-editor'), editing.id);
}

function hideHistory() {
  hideDeviceHistory();
  setHidden(byId('device-history-show'), false);
}

function renderEditorFacts(device) {
  editing = device;
  byId('device-editor-state').className = `status-dot${device.online ? '' : ' closed'}`;
  const where = device.online ? `online · session ${device.sessionId}${device.node ? ` on ${device.node}` : ''}` : 'offline';
  setText(byId('device-editor-facts'), `${where} · ${count(device.sessionCount)} sessions · last from ${device.lastRemoteEndPoint ?? '?'}`);
}

function closeEditor() {
  editing = null;
  hideHistory();
  setHidden(byId('device-editor'), true);
}

function status(text) {
  setText(byId('device-editor-status'), text);
}

async function save() {
  if (!editing) return;
  const tags = byId('device-tags').value.split(/\s+/).filter((t) => t.length > 0);
  const bad = tags.find((t) => !TAG.test(t));
  if (bad !== undefined) {
    status(`“${bad}” is not a tag: use 1 to 64 letters, digits, “_”, “.”, “:” or “-”.`);
    return;
  }

  try {
    const updated = await updateDevice(editing.id, { alias: byId('device-alias').value, tags, notes: byId('device-notes').value });
    renderEditorFacts(updated);
    status('Saved.');
    load();
  } catch (error) {
    status(`Not saved: ${error.message}`);
  }
}

async function forget() {
  if (!editing) return;
  const id = editing.id;
  try {
    await forgetDevice(id);
    closeEditor();
    load();
  } catch (error) {
    status(`Not forgotten: ${error.message}`);
  }
}

async function send() {
  if (!editing) return;
  const text = byId('device-payload').value;
  if (text.length === 0) {
    status('Type a message first.');
    return;
  }

  try {
    const result = await sendToDevice(editing.id, text, byId('device-queue').checked);
    status(result.queued ? `Queued (${count(result.pending)} waiting until the device identifies).` : `Sent ${bytes(result.bytes)} to session ${result.sessions.join(', ')}.`);
    byId('device-payload').value = '';
    loadPending();
    load();
  } catch (error) {
    status(`Not sent: ${error.message}`);
  }
}

async function loadPending() {
  if (!editing) return;
  const id = editing.id;
  const list = byId('device-pending');
  try {
    const items = await devicePending(id);
    if (editing?.id !== id) return;
    list.replaceChildren(...items.map((item) => {
      const li = el('li', 'pending-item');
      li.append(el('span', 'pending-text mono', item.text), el('small', null, `${bytes(item.bytes)} · expires ${when(Date.parse(item.expiresAt))}`));
      if (canOperate()) {
        const cancel = el('button', 'btn btn-ghost btn-small', 'Cancel');
        cancel.type = 'button';
        cancel.addEventListener('click', async () => {
          try {
            await cancelPending(id, item.id);
          } catch (error) {
            status(`Not cancelled: ${error.message}`);
          }
          loadPending();
        });
        li.append(cancel);
      }
      return li;
    }));
  } catch {
    list.replaceChildren();
  }
}

async function runTagCommand(kind) {
  const tag = byId('tag-command-tag').value.trim();
  const out = byId('tag-command-status');
  if (!TAG.test(tag)) {
    setText(out, 'Name a tag: 1 to 64 letters, digits, “_”, “.”, “:” or “-”.');
    return;
  }

  const text = byId('tag-command-payload').value;
  if (kind === 'send' && text.length === 0) {
    setText(out, 'Type a message first.');
    return;
  }

  try {
    const result = kind === 'send' ? await sendToTag(tag, text) : await kickTag(tag);
    const verb = kind === 'send' ? 'Sent to' : 'Kicked';
    setText(out, `${verb} ${count(result.reached)} of ${count(result.devices)} devices tagged ${tag} (${count(result.online)} online).`);
    scheduleReload(300);
  } catch (error) {
    setText(out, `Not done: ${error.message}`);
  }
}
