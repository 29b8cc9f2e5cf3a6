// The Recordings tab and the session pane's Record button: record the focused session
// (POST/DELETE /api/sessions/{id}/recording), list and download the files, replay one's server-to-device
// frames to a chosen session, delete. File names come from the server; they go into the page as text.
import { byId, el, setHidden, setText } from '../dom.js';
import { bytes, count } from '../format.js';
import { callApi, getJson } from '../http.js';
import { canOperate, isLive, on, store } from '../state.js';
import { isTabShown, onTabShown } from './tabs.js';

const REFRESH_MS = 3000;

/** Sessions being recorded (by id), as last listed. */
let recording = new Map();

export function initRecordings() {
  onTabShown('tab-recordings', load);
  byId('recordings-refresh').addEventListener('click', load);
  byId('replay-form').addEventListener('submit', (event) => event.preventDefault());
  byId('pane-record').addEventListener('click', toggleRecording);
  on('focus', renderRecordButton);
  on('user', renderRecordButton);
  on('hub', renderRecordButton);
  on('focus', () => {
    if (store.focusedId && !byId('replay-session').value) byId('replay-session').value = store.focusedId;
  });
  setInterval(() => {
    if (isTabShown('tab-recordings') || recording.size > 0) load();
  }, REFRESH_MS);
  load();
}

function renderRecordButton() {
  const button = byId('pane-record');
  const id = store.focusedId;
  setHidden(button, !canOperate());
  const on = id !== null && recording.has(id);
  button.setAttribute('aria-pressed', String(on));
  setText(button, on ? 'Stop recording' : 'Record');
  button.disabled = !isLive() || id === null || !store.sessions.has(id);
}

async function toggleRecording() {
  const id = store.focusedId;
  if (id === null) return;
  const status = byId('recordings-status');
  try {
    if (recording.has(id)) {
      const done = await callApi('DELETE', `/api/sessions/${encodeURIComponent(id)}/recording`);
      setText(status, `Recorded ${count(done.frames)} frames to ${done.name}.`);
    } else {
      const started = await callApi('POST', `/api/sessions/${encodeURIComponent(id)}/recording`);
      setText(status, `Recording ${id} to ${started.name}.`);
    }
  } catch (error) {
    setText(status, error.message);
  }
  await load();
}

async function replay(name) {
  const status = byId('recordings-status');
  const sessionId = byId('replay-session').value.trim();
  const speed = Number(byId('replay-speed').value || '1');
  try {
    const started = await callApi('POST', `/api/recordings/${encodeURIComponent(name)}/replay`, { sessionId, speed });
    setText(status, `Replaying ${count(started.frames)} server-to-device frames to ${started.sessionId}.`);
  } catch (error) {
    setText(status, error.message);
  }
}

async function remove(name) {
  try {
    await callApi('DELETE', `/api/recordings/${encodeURIComponent(name)}`);
  } catch (error) {
    setText(byId('recordings-status'), error.message);
  }
  load();
}

async function load() {
  let items;
  try {
    items = await getJson('/api/recordings');
  } catch (error) {
    setText(byId('recordings-status'), error.message);
    return;
  }

  recording = new Map(items.filter((r) => r.active).map((r) => [r.sessionId, r.name]));
  renderRecordButton();
  setText(byId('count-recordings'), count(items.length));
  byId('recordings-body').replaceChildren(...items.map(row));
  setHidden(byId('recordings-empty'), items.length > 0);
}

function row(item) {
  const tr = el('tr');
  tr.dataset.name = item.name;
  const link = el('a', 'mono', item.name);
  link.href = `/api/recordings/${encodeURIComponent(item.name)}`;
  link.download = item.name;
  const name = el('td');
  name.append(link);
  tr.append(name, el('td', null, bytes(item.bytes)), el('td', null, item.active ? `Recording ${item.sessionId}` : 'Done'));
  const actions = el('td');
  if (canOperate() && !item.active) {
    const play = el('button', 'btn btn-primary btn-small', 'Replay');
    play.type = 'button';
    play.disabled = !isLive();
    play.addEventListener('click', () => replay(item.name));
    const del = el('button', 'btn btn-danger-soft btn-small', 'Delete');
    del.type = 'button';
    del.disabled = !isLive();
    del.addEventListener('click', () => remove(item.name));
    actions.append(play, del);
  }
  tr.append(actions);
  return tr;
}
