// The framing lab tab: paste bytes, pick a framing (the form is generated from the framing kinds and
// their settings, the same ones a listener's Framing section takes), and see what the server's real
// decoders make of them: frames, the error a session would be closed with, the bytes left buffered.
// "Guess framing" ranks every kind; "Compare with listener" uses a listener's current framing.
// Device bytes only ever reach the page through textContent.
import { byId, el, setHidden, setText } from '../dom.js';
import { getJson } from '../http.js';
import { selectTab } from './tabs.js';

/** Each kind's settings: [name, label, type, choices or default]. */
const kinds = {
  Line: [['maxFrameBytes', 'Max frame bytes', 'number', '']],
  Delimiter: [['delimiter', 'Delimiter (hex)', 'text', '0D0A'], ['maxFrameBytes', 'Max frame bytes', 'number', '']],
  LengthPrefixed: [
    ['headerBytes', 'Header bytes', 'select', ['1', '2', '4', '8'], '4'],
    ['endianness', 'Byte order', 'select', ['BigEndian', 'LittleEndian'], 'BigEndian'],
    ['lengthOffset', 'Length offset', 'number', '0'],
    ['lengthAdjustment', 'Adjustment', 'number', '0'],
    ['lengthIncludesHeader', 'Length includes header', 'checkbox', false],
    ['maxFrameBytes', 'Max frame bytes', 'number', ''],
  ],
  Fixed: [['frameBytes', 'Frame bytes', 'number', '8']],
  Raw: [['maxFrameBytes', 'Max frame bytes', 'number', '']],
};

export function initFramingLab() {
  const kind = byId('lab-kind');
  for (const name of Object.keys(kinds)) kind.append(new Option(name, name));
  kind.addEventListener('change', () => renderOptions({}));
  renderOptions({});
  byId('lab-form').addEventListener('submit', (event) => {
    event.preventDefault();
    decode({ framing: readFraming() });
  });
  byId('lab-compare').addEventListener('click', () => decode({ listener: byId('lab-listener').value }));
  byId('lab-guess').addEventListener('click', guess);
  loadListeners();
}

/** Opens the lab with these bytes (hex), from a session's raw reads or frames. */
export function openInLab(hex) {
  byId('lab-input').value = hex;
  byId('lab-encoding').value = 'hex';
  selectTab('tab-lab');
}

async function loadListeners() {
  try {
    const listeners = await getJson('/api/listeners');
    const select = byId('lab-listener');
    select.replaceChildren(...listeners.map((l) => new Option(`${l.name} (${describe(l.framing)})`, l.name)));
  } catch (error) {
    console.warn('Listeners for the framing lab', error);
  }
}

function renderOptions(values) {
  const holder = byId('lab-options');
  holder.replaceChildren();
  for (const [name, label, type, choices, initial] of kinds[byId('lab-kind').value]) {
    const field = el('label', null, `${label} `);
    let input;
    if (type === 'select') {
      input = document.createElement('select');
      for (const c of choices) input.append(new Option(c, c));
      input.value = String(values[name] ?? initial);
    } else {
      input = document.createElement('input');
      input.type = type;
      if (type === 'checkbox') input.checked = Boolean(values[name] ?? choices);
      else input.value = values[name] ?? choices ?? '';
    }
    input.dataset.setting = name;
    input.id = `lab-opt-${name}`;
    field.append(input);
    holder.append(field);
  }
}

function readFraming() {
  const framing = { kind: byId('lab-kind').value };
  for (const input of byId('lab-options').querySelectorAll('[data-setting]')) {
    const name = input.dataset.setting;
    if (input.type === 'checkbox') framing[name] = input.checked;
    else if (input.value === '') continue;
    else if (input.type === 'number' || name === 'headerBytes') framing[name] = Number(input.value);
    else framing[name] = input.value;
  }
  return framing;
}

/** Shows a framing's settings in the form (a guess, or a listener's). */
function useFraming(framing) {
  byId('lab-kind').value = framing.kind;
  renderOptions(framing);
}

function input() {
  return { input: byId('lab-input').value, inputEncoding: byId('lab-encoding').value };
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.detail ?? `POST ${path}: ${response.status}`);
  return json;
}

async function decode(framingOrListener) {
  const chunks = byId('lab-chunks').value.split(/[\s,]+/).filter(Boolean).map(Number);
  const body = { ...input(), ...framingOrListener, endOfStream: byId('lab-eos').checked };
  if (chunks.length) body.chunks = chunks;
  showError(null);
  setText(byId('lab-status'), 'Decoding…');
  try {
    const result = await post('/api/framing/test', body);
    if (framingOrListener.listener) useFraming(result.framing);
    renderFrames(result);
  } catch (error) {
    setText(byId('lab-status'), '');
    showError(error.message);
  }
}

function renderFrames(result) {
  const rows = result.frames.map((f) => {
    const row = el('tr');
    row.append(el('td', 'num', String(f.index)), el('td', 'num', String(f.offset)), el('td', 'num', String(f.payloadLength)),
      el('td', 'num', String(f.read)), el('td', 'bytes', f.text), el('td', 'bytes', f.hex));
    return row;
  });
  byId('lab-frames-body').replaceChildren(...rows);
  setText(byId('lab-status'), `${result.description}: ${result.frameCount} frame${result.frameCount === 1 ? '' : 's'} from ${result.inputBytes} bytes in ${result.reads} read${result.reads === 1 ? '' : 's'}${result.truncated ? ` (first ${result.frames.length} shown)` : ''}.`);
  setText(byId('lab-remainder'), result.remainderBytes ? `Left over (buffered, waiting for more): ${result.remainderBytes} bytes ${result.remainderHex}` : 'No bytes left over.');
  showError(result.error ? `${result.error.error} at offset ${result.error.offset} (read ${result.error.read}): ${result.error.message} A session would be closed as ${result.error.closeReason}.` : null);
}

async function guess() {
  showError(null);
  setText(byId('lab-status'), 'Trying every framing…');
  try {
    const result = await post('/api/framing/guess', input());
    const rows = result.candidates.map((c, i) => {
      const row = el('tr', i === 0 && c.score > 1 ? 'best' : c.error ? 'failed' : null);
      const use = el('button', 'btn btn-ghost btn-small', 'Use');
      use.type = 'button';
      use.addEventListener('click', () => {
        useFraming(c.framing);
        decode({ framing: readFraming() });
      });
      const action = el('td');
      action.append(use);
      row.append(el('td', null, c.description), el('td', 'num', String(c.score)), el('td', 'num', String(c.frameCount)),
        el('td', 'num', String(c.remainderBytes)), el('td', null, c.reasons.join('; ')), action);
      return row;
    });
    byId('lab-guess-body').replaceChildren(...rows);
    setHidden(byId('lab-guess-table'), false);
    const best = result.candidates[0];
    setText(byId('lab-status'), best && best.score > 1 ? `Best fit: ${best.description} (score ${best.score}).` : 'No framing fits these bytes.');
    if (best && best.score > 1) useFraming(best.framing);
  } catch (error) {
    setText(byId('lab-status'), '');
    showError(error.message);
  }
}

function showError(message) {
  setHidden(byId('lab-error'), !message);
  setText(byId('lab-error'), message ?? '');
}

function describe(framing) {
  if (framing.kind === 'Delimiter') return `Delimiter ${framing.delimiter}`;
  if (framing.kind === 'LengthPrefixed') return `LengthPrefixed ${framing.headerBytes} ${framing.endianness}`;
  if (framing.kind === 'Fixed') return `Fixed ${framing.frameBytes}`;
  return framing.kind;
}
