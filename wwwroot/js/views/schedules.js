// The Schedules tab: every schedule with its next run and last result; create or edit one (the form),
// start, stop, run now and delete (Operators). Schedule fields are text only in the page.
import { byId, el, setText } from '../dom.js';
import { callApi, getJson } from '../http.js';
import { on, store } from '../state.js';
import { isTabShown, onTabShown } from './tabs.js';

const path = (id) => `/api/schedules/${encodeURIComponent(id)}`;
const isOperator = () => store.user?.role === 'Operator';
const time = (value) => (value ? new Date(value).toISOString().replace('.000Z', 'Z') : '–');

export function initSchedules() {
  onTabShown('tab-schedules', refresh);
  on('user', paintForm);
  byId('schedule-form').addEventListener('submit', onSubmit);
  byId('schedule-kind').addEventListener('change', paintForm);
  byId('schedules-body').addEventListener('click', onClick);
  setInterval(() => {
    if (isTabShown('tab-schedules')) refresh();
  }, 2000);
  paintForm();
}

function paintForm() {
  byId('schedule-form').hidden = !isOperator();
  const kind = byId('schedule-kind').value;
  byId('schedule-interval-field').hidden = kind !== 'every';
  byId('schedule-daily-fields').hidden = kind !== 'daily';
  byId('schedule-at-field').hidden = kind !== 'once';
}

let schedules = [];

async function refresh() {
  try {
    schedules = await getJson('/api/schedules');
    render();
  } catch (error) {
    setText(byId('schedules-status'), error.message);
  }
}

function describeWhen(s) {
  if (s.kind === 'Every') return `every ${s.intervalSeconds} s`;
  if (s.kind === 'Daily') return `daily ${s.timeOfDay} UTC${s.days.length ? ` (${s.days.join(', ')})` : ''}`;
  return `once at ${time(s.at)}`;
}

function render() {
  const body = byId('schedules-body');
  body.replaceChildren();
  setText(byId('count-schedules'), String(schedules.length));
  for (const s of schedules) {
    const tr = el('tr', 'schedule-row');
    tr.dataset.id = s.id;
    const target = s.targetKind === 'All' ? 'all sessions' : `${s.targetKind.toLowerCase()} ${s.target}`;
    for (const text of [s.id, target, s.text ?? `hex ${s.hex}`, describeWhen(s), s.enabled ? 'started' : 'stopped', time(s.nextRunAt), time(s.lastRunAt), s.lastResult ?? '–', String(s.counter)]) {
      tr.append(el('td', null, text));
    }
    tr.children[5].className = 's-next';
    tr.children[7].className = 's-result';
    const actions = el('td', 's-actions');
    if (isOperator()) {
      for (const [action, label] of [[s.enabled ? 'stop' : 'start', s.enabled ? 'Stop' : 'Start'], ['run', 'Run now'], ['edit', 'Edit'], ['delete', 'Delete']]) {
        const button = el('button', `btn small s-${action}`, label);
        button.type = 'button';
        button.dataset.action = action;
        actions.append(button);
      }
    }
    tr.append(actions);
    body.append(tr);
  }
}

async function onClick(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const id = button.closest('tr').dataset.id;
  const action = button.dataset.action;
  try {
    if (action === 'edit') {
      fillForm(schedules.find((s) => s.id === id));
      return;
    }
    if (action === 'delete') await callApi('DELETE', path(id));
    else await callApi('POST', `${path(id)}/${action}`);
    setText(byId('schedules-status'), `${action} ${id}: done`);
  } catch (error) {
    setText(byId('schedules-status'), error.message);
  }
  refresh();
}

function fillForm(s) {
  if (!s) return;
  byId('schedule-id').value = s.id;
  byId('schedule-target-kind').value = s.targetKind.toLowerCase();
  byId('schedule-target').value = s.target ?? '';
  byId('schedule-payload').value = s.text ?? s.hex ?? '';
  byId('schedule-hex').checked = s.hex != null;
  byId('schedule-kind').value = s.kind.toLowerCase();
  byId('schedule-interval').value = s.intervalSeconds ?? '';
  byId('schedule-time').value = s.timeOfDay ?? '';
  byId('schedule-days').value = s.days.join(',');
  byId('schedule-at').value = s.at ?? '';
  paintForm();
}

async function onSubmit(event) {
  event.preventDefault();
  const kind = byId('schedule-kind').value;
  const payload = byId('schedule-payload').value;
  const id = byId('schedule-id').value.trim();
  const body = {
    id: id || undefined,
    targetKind: byId('schedule-target-kind').value,
    target: byId('schedule-target').value || undefined,
    kind,
  };
  if (byId('schedule-hex').checked) body.hex = payload;
  else body.text = payload;
  if (kind === 'every') body.intervalSeconds = Number(byId('schedule-interval').value);
  if (kind === 'daily') {
    body.timeOfDay = byId('schedule-time').value;
    body.days = byId('schedule-days').value.split(',').map((d) => d.trim()).filter(Boolean);
  }
  if (kind === 'once') body.at = byId('schedule-at').value;
  try {
    const exists = id && schedules.some((s) => s.id === id);
    const saved = exists ? await callApi('PUT', path(id), body) : await callApi('POST', '/api/schedules', body);
    setText(byId('schedules-status'), `Saved ${saved.id}: next run ${time(saved.nextRunAt)}`);
  } catch (error) {
    setText(byId('schedules-status'), error.message);
  }
  refresh();
}
