// Recently closed sessions with their close reasons, drawn while their tab is shown.
import { byId, el, setHidden, setText } from '../dom.js';
import { bytes, count, duration, when } from '../format.js';
import { on, store } from '../state.js';
import { isTabShown, onTabShown } from './tabs.js';

let stale = true;

export function initClosedList() {
  onTabShown('tab-closed', render);
  on('closed', () => {
    setText(byId('count-closed'), count(store.closed.length));
    stale = true;
    if (isTabShown('tab-closed')) render();
  });
}

function render() {
  if (!stale) return;
  stale = false;
  const list = byId('closed-list');
  list.replaceChildren(...store.closed.map(item));
  setHidden(byId('closed-empty'), store.closed.length > 0);
}

function item(closed) {
  const li = el('li', 'closed-item');
  li.dataset.id = closed.id;
  const who = el('div', 'closed-who');
  const where = `${closed.node ? `node ${closed.node} · ` : ''}${closed.listener} · ${closed.remoteEndPoint ?? 'unknown'}`;
  who.append(el('span', 'mono', closed.id), el('small', null, where));
  const reason = el('span', `reason reason-${String(closed.reason).toLowerCase()}`, closed.reason);
  const detail = el('span', 'closed-detail', closed.detail ?? `after ${duration(closed.closedAt - closed.connectedAt)}`);
  detail.title = closed.detail ?? '';
  li.append(
    el('span', 'closed-time', when(closed.closedAt)),
    who,
    reason,
    detail,
    el('span', 'closed-bytes', `↓ ${bytes(closed.bytesIn)} · ↑ ${bytes(closed.bytesOut)}`),
  );
  return li;
}
