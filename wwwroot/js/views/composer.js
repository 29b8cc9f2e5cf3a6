// The send box: text or hex, to the selected sessions or broadcast to a listener. A sent message leaves
// the box and joins a short history (arrow up and down at the box's first and last line bring it back);
// a line feed meant for a Line listener is refused here, before the server refuses it.
import * as actions from '../actions.js';
import { byId, el, setHidden, setText } from '../dom.js';
import { bytes, count } from '../format.js';
import { parseHex, utf8Length } from '../payload.js';
import { on, store } from '../state.js';
import { refreshControls } from './controls.js';

export const composer = { target: 'selected', format: 'text', valid: false };

/** Messages sent from this page, newest last; at most this many are kept. */
const HISTORY = 50;
const history = [];
/** Where arrow-up has got to in the history (history.length: the box's own text). */
let recall = 0;
let draft = '';

export function initComposer() {
  const form = byId('composer');
  const payload = byId('payload');
  const listenerSelect = byId('broadcast-listener');

  radio(['target-selected', 'target-broadcast'], (id) => {
    composer.target = id === 'target-broadcast' ? 'broadcast' : 'selected';
    setHidden(listenerSelect, composer.target !== 'broadcast');
    validate();
  });
  radio(['format-text', 'format-hex'], (id) => {
    composer.format = id === 'format-hex' ? 'hex' : 'text';
    payload.placeholder = composer.format === 'hex' ? 'Hex bytes, e.g. 48 65 6C 6C 6F (Ctrl+Enter)' : 'Message to send (Ctrl+Enter)';
    validate();
  });

  payload.addEventListener('input', () => {
    recall = history.length;
    validate();
  });
  payload.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }

    // Arrow up on the first line brings back the previous message; arrow down on the last line the next.
    const before = payload.value.slice(0, payload.selectionStart);
    const after = payload.value.slice(payload.selectionEnd);
    if (event.key === 'ArrowUp' && !before.includes('\n') && recall > 0) {
      event.preventDefault();
      if (recall === history.length) draft = payload.value;
      recall--;
      payload.value = history[recall];
      validate();
    } else if (event.key === 'ArrowDown' && !after.includes('\n') && recall < history.length) {
      event.preventDefault();
      recall++;
      payload.value = recall === history.length ? draft : history[recall];
      validate();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });

  on('snapshot', () => {
    const current = listenerSelect.value;
    listenerSelect.replaceChildren(...store.listeners.map((l) => {
      const option = el('option', null, `${l.name} (${l.endPoint})`);
      option.value = l.name;
      return option;
    }));
    if (store.listeners.some((l) => l.name === current)) listenerSelect.value = current;
  });
  on('selection', () => {
    setText(byId('target-count'), count(store.selection.size));
    validate();
  });
  listenerSelect.addEventListener('change', validate);
  validate();
}

function radio(ids, onChange) {
  for (const id of ids) {
    byId(id).addEventListener('click', () => {
      for (const other of ids) byId(other).setAttribute('aria-checked', String(other === id));
      onChange(id);
    });
  }
}

function validate() {
  const payload = byId('payload');
  const value = payload.value;
  let error = null;
  if (value.length > 0 && composer.format === 'hex') error = parseHex(value).error;
  if (error === null && composer.format === 'text' && /[\r\n]/.test(value)) error = lineFeedError();
  payload.classList.toggle('invalid', error !== null);
  composer.valid = value.length > 0 && error === null;
  if (error) status(error, 'error');
  else if (byId('composer-status').classList.contains('error')) status('');
  refreshControls();
}

/**
 * A Line listener ends each frame at a line feed, so a message with one cannot be sent to its sessions as
 * one frame (the server refuses it too): said here, naming the listener, before anything is sent.
 */
function lineFeedError() {
  const names = composer.target === 'broadcast'
    ? [byId('broadcast-listener').value]
    : [...new Set([...store.selection].map((id) => store.sessions.get(id)?.listener).filter(Boolean))];
  const line = store.listeners.find((l) => names.includes(l.name) && l.framing === 'Line');
  return line ? `Listener ${line.name} uses Line framing: a message cannot contain a line break. Send each line on its own.` : null;
}

/** Shows how a command went. */
export function status(text, kind = '') {
  const line = byId('composer-status');
  line.className = `composer-status ${kind}`.trim();
  setText(line, text);
}

async function submit() {
  if (!composer.valid) return;
  const value = byId('payload').value;
  const payload = composer.format === 'hex' ? { hex: value } : { text: value };
  const size = composer.format === 'hex' ? parseHex(value).bytes : utf8Length(value);
  const targets = [...store.selection];
  const listener = byId('broadcast-listener').value;
  try {
    const reply = composer.target === 'broadcast'
      ? await actions.broadcast(listener, payload)
      : await actions.send(targets, payload);
    if (!reply.ok) {
      status(reply.error, 'error');
      return;
    }

    // Sent: the box is ready for the next message, and this one is a keypress away.
    if (history[history.length - 1] !== value) history.push(value);
    if (history.length > HISTORY) history.shift();
    recall = history.length;
    draft = '';
    byId('payload').value = '';
    validate();
    const where = composer.target === 'broadcast' ? `every session of ${listener}` : `${count(reply.sessions)} session${reply.sessions === 1 ? '' : 's'}`;
    const failed = reply.failed ? `; ${count(reply.failed)} had closed` : '';
    status(`Queued ${bytes(size)} for ${reply.sessions === 0 && composer.target === 'broadcast' ? 'no session (none connected)' : where}${failed}.`, 'ok');
  } catch (error) {
    status(`Not sent: ${error.message ?? error}`, 'error');
  }
}
