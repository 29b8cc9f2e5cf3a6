// The live traffic log of the focused session: time, direction, size and payload as text or hex.
// Paused, it keeps collecting (up to a limit) and shows what came in when resumed; it can be cleared
// and exported. Payloads are device data: they go into the page as text only.
import { byId, el, setHidden, setText } from '../dom.js';
import { bytes, clock, count } from '../format.js';
import { hexDump, visibleText } from '../payload.js';

const KEEP = 5000;
const SHOW = 1000;

let frames = [];
let mode = 'text';
let paused = false;
let unseen = 0;
let dropped = 0;
let sessionId = null;
let list;

export function initTrafficLog() {
  list = byId('traffic-log');
  const textButton = byId('log-text');
  const hexButton = byId('log-hex');
  const setMode = (next) => {
    mode = next;
    textButton.setAttribute('aria-pressed', String(mode === 'text'));
    hexButton.setAttribute('aria-pressed', String(mode === 'hex'));
    redraw();
  };
  textButton.addEventListener('click', () => setMode('text'));
  hexButton.addEventListener('click', () => setMode('hex'));

  byId('log-pause').addEventListener('click', () => {
    paused = !paused;
    if (!paused) redraw();
    renderPause();
  });
  byId('log-clear').addEventListener('click', () => {
    frames = [];
    dropped = 0;
    redraw();
  });
  byId('log-export').addEventListener('click', exportLog);
}

/** Starts a new log for a session, with its recent history. */
export function resetLog(id, history) {
  sessionId = id;
  frames = history.map((f) => ({ ...f }));
  dropped = 0;
  unseen = 0;
  paused = false;
  renderPause();
  redraw();
}

/** Appends live frames; gap is how many frames were dropped before them. */
export function appendFrames(batchFrames, gap) {
  if (gap > 0) {
    dropped += gap;
    frames.push({ gap });
  }

  for (const frame of batchFrames) frames.push(frame);
  if (frames.length > KEEP) frames.splice(0, frames.length - KEEP);
  if (paused) {
    unseen += batchFrames.length;
    renderPause();
    return;
  }

  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
  const start = gap > 0 ? batchFrames.length + 1 : batchFrames.length;
  const fragment = document.createDocumentFragment();
  for (const frame of frames.slice(-start)) fragment.append(line(frame));
  list.querySelector('.log-empty')?.remove();
  list.append(fragment);
  while (list.childElementCount > SHOW) list.firstElementChild.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
  renderDropped();
}

function redraw() {
  unseen = 0;
  const shown = frames.slice(-SHOW);
  if (shown.length === 0) {
    list.replaceChildren(el('li', 'log-empty', sessionId ? 'No frames yet. Frames this session sends or receives appear here live.' : ''));
  } else {
    const fragment = document.createDocumentFragment();
    for (const frame of shown) fragment.append(line(frame));
    list.replaceChildren(fragment);
    list.scrollTop = list.scrollHeight;
  }

  renderDropped();
  renderPause();
}

function line(frame) {
  if (frame.gap) {
    return el('li', 'frame-gap', `⋯ ${count(frame.gap)} frames not shown: they arrived faster than this browser could take them`);
  }

  const li = el('li', 'frame');
  const incoming = frame.direction === 'In';
  li.classList.add(incoming ? 'frame-in' : 'frame-out');
  const data = mode === 'hex' ? el('span', 'frame-data hexdump', hexDump(frame.hex)) : el('span', 'frame-data', visibleText(frame.text));
  if (frame.truncated) data.append(el('span', 'truncated', ` … (${bytes(frame.length)} in all)`));
  li.append(
    el('span', 'frame-time', clock(frame.time)),
    el('span', `dir ${incoming ? 'dir-in' : 'dir-out'}`, incoming ? 'IN' : 'OUT'),
    data,
    sizeOf(frame.length),
  );
  return li;
}

/** A frame's payload size; the pane's In and Out add the framing (a line feed, a length prefix). */
function sizeOf(length) {
  const size = el('span', 'frame-size', bytes(length));
  size.title = 'Payload, without the framing';
  return size;
}

function renderPause() {
  const button = byId('log-pause');
  button.setAttribute('aria-pressed', String(paused));
  setText(button, paused ? (unseen ? `Resume (${count(unseen)} new)` : 'Resume') : 'Pause');
}

function renderDropped() {
  const badge = byId('log-dropped');
  setHidden(badge, dropped === 0);
  setText(badge, `${count(dropped)} dropped`);
  badge.title = 'Frames the server left out because this browser could not keep up with the session.';
}

function exportLog() {
  const lines = ['time\tdirection\tlength\ttruncated\thex\ttext'];
  for (const f of frames) {
    if (f.gap) lines.push(`# ${f.gap} frames dropped`);
    else lines.push([new Date(f.time).toISOString(), f.direction, f.length, f.truncated, f.hex, JSON.stringify(f.text)].join('\t'));
  }

  const url = URL.createObjectURL(new Blob([`${lines.join('\n')}\n`], { type: 'text/tab-separated-values' }));
  const link = el('a');
  link.href = url;
  link.download = `kestreltcp-${sessionId ?? 'session'}-${new Date().toISOString().replace(/[:.]/g, '-')}.tsv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
