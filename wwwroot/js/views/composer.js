// The send box: text or hex, to the selected sessions or broadcast to a listener.
import * as actions from '../actions.js';
import { byId, el, setHidden, setText } from '../dom.js';
import { bytes, count } from '../format.js';
import { parseHex, utf8Length } from '../payload.js';
import { on, store } from '../state.js';
import { refreshControls } from './controls.js';

export const composer = { target: 'selected', format: 'text', valid: false };

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

  payload.addEventListener('input', validate);
  payload.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
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
  payload.classList.toggle('invalid', error !== null);
  composer.valid = value.length > 0 && error === null;
  if (error) status(error, 'error');
  else if (byId('composer-status').classList.contains('error')) status('');
  refreshControls();
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

    const where = composer.target === 'broadcast' ? `every session of ${listener}` : `${count(reply.sessions)} session${reply.sessions === 1 ? '' : 's'}`;
    const failed = reply.failed ? `; ${count(reply.failed)} had closed` : '';
    status(`Queued ${bytes(size)} for ${reply.sessions === 0 && composer.target === 'broadcast' ? 'no session (none connected)' : where}${failed}.`, 'ok');
  } catch (error) {
    status(`Not sent: ${error.message ?? error}`, 'error');
  }
}
