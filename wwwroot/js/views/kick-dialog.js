// Kick with confirmation: the focused session from the pane, or the selection from the toolbar.
import * as actions from '../actions.js';
import { byId, el, setText } from '../dom.js';
import { count } from '../format.js';
import { isLive, store } from '../state.js';
import { status } from './composer.js';

let targets = [];

export function initKickDialog() {
  const dialog = byId('kick-dialog');
  byId('pane-kick').addEventListener('click', () => open(store.focusedId ? [store.focusedId] : []));
  byId('kick-selected').addEventListener('click', () => open([...store.selection]));
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'kick' && isLive()) kick(targets, byId('kick-reason').value);
  });
}

function open(ids) {
  targets = ids.filter((id) => store.sessions.has(id));
  if (targets.length === 0) return;
  const dialog = byId('kick-dialog');
  const one = targets.length === 1;
  setText(byId('kick-title'), one ? 'Disconnect this session?' : `Disconnect ${count(targets.length)} sessions?`);
  setText(byId('kick-summary'), one
    ? `The client at ${store.sessions.get(targets[0]).remoteEndPoint ?? 'an unknown address'} is disconnected now; it may connect again.`
    : 'Each client is disconnected now; they may connect again.');
  byId('kick-targets').replaceChildren(...targets.slice(0, 50).map((id) => el('li', null, id)),
    ...(targets.length > 50 ? [el('li', null, `… and ${count(targets.length - 50)} more`)] : []));
  setText(byId('kick-confirm'), one ? 'Disconnect' : `Disconnect ${count(targets.length)}`);
  dialog.returnValue = '';
  dialog.showModal();
  byId('kick-reason').select();
}

async function kick(ids, reason) {
  try {
    const reply = await actions.kick(ids, reason);
    status(reply.ok ? `Disconnected ${count(reply.sessions)} session${reply.sessions === 1 ? '' : 's'}.` : reply.error, reply.ok ? 'ok' : 'error');
  } catch (error) {
    status(`Not disconnected: ${error.message ?? error}`, 'error');
  }
}
