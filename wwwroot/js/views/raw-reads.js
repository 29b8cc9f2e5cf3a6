// The session pane's raw reads: the focused session's last reads as they came off the socket (before
// framing), fetched from GET /api/sessions/{id}/reads while the toggle is on; the server keeps them only
// while the session is watched, which the pane does for the focused session. "Open in framing lab"
// sends those bytes to the lab; "Frames to lab" sends the session's recent received frames.
import { byId, el, setHidden } from '../dom.js';
import { getJson } from '../http.js';
import { on, store } from '../state.js';
import { openInLab } from './framing-lab.js';

let showing = false;
let reads = [];

export function initRawReads() {
  const toggle = byId('raw-toggle');
  toggle.addEventListener('click', () => {
    showing = !showing;
    toggle.setAttribute('aria-pressed', String(showing));
    setHidden(byId('raw-reads'), !showing);
    setHidden(byId('raw-to-lab'), !showing);
    refresh();
  });
  byId('raw-to-lab').addEventListener('click', () => openInLab(reads.map((r) => r.hex).join(' ')));
  byId('history-to-lab').addEventListener('click', framesToLab);
  on('focus', () => {
    reads = [];
    byId('raw-reads').replaceChildren();
    refresh();
  });
  on('traffic', (batch) => {
    if (showing && batch.sessionId === store.focusedId) refresh();
  });
}

let inFlight = false;

async function refresh() {
  const id = store.focusedId;
  if (!showing || !id || inFlight) return;
  inFlight = true;
  try {
    const result = await getJson(`/api/sessions/${encodeURIComponent(id)}/reads`);
    if (store.focusedId !== id) return;
    reads = result.reads;
    const items = reads.map((r) => {
      const item = el('li');
      item.append(el('span', 'raw-meta', `#${r.sequence} ${r.length} B${r.truncated ? ' (first 512)' : ''}: `), el('span', 'raw-text', r.text), el('span', 'raw-hex', ` ${r.hex}`));
      return item;
    });
    if (!result.capturing) items.push(el('li', 'raw-meta', 'Not captured: reads are kept only while the session is watched.'));
    byId('raw-reads').replaceChildren(...items);
  } catch (error) {
    console.warn('Raw reads', error);
  } finally {
    inFlight = false;
  }
}

async function framesToLab() {
  const id = store.focusedId;
  if (!id) return;
  try {
    const frames = await getJson(`/api/sessions/${encodeURIComponent(id)}/messages`);
    openInLab(frames.filter((f) => f.direction === 'In').map((f) => f.hex).join(' '));
  } catch (error) {
    console.warn('Frames to the framing lab', error);
  }
}
