// Recently closed sessions with their close reasons, and the live/closed tabs.
import { byId, el, setHidden, setText } from '../dom.js';
import { bytes, count, duration, when } from '../format.js';
import { on, store } from '../state.js';

let visible = false;
let stale = true;

export function initClosedList() {
  const tabs = [byId('tab-live'), byId('tab-closed')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      for (const other of tabs) {
        const selected = other === tab;
        other.setAttribute('aria-selected', String(selected));
        byId(other.getAttribute('aria-controls')).hidden = !selected;
      }

      visible = tab.id === 'tab-closed';
      if (visible) render();
    });
  }

  on('closed', () => {
    setText(byId('count-closed'), count(store.closed.length));
    stale = true;
    if (visible) render();
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
  who.append(el('span', 'mono', closed.id), el('small', null, `${closed.listener} · ${closed.remoteEndPoint ?? 'unknown'}`));
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
