// The Rules tab: auto-reply rules per listener (GET/POST/PUT/DELETE /api/rules...). Patterns, replies and
// names are operator input and shown as text only; refusals show the server's ProblemDetails detail next
// to the form.
import { byId, el, setHidden, setText } from '../dom.js';
import { count, when } from '../format.js';
import { callApi, getJson } from '../http.js';
import { on, store } from '../state.js';
import { onTabShown } from './tabs.js';

let rules = [];
let editing = null;
let request = 0;

const isOperator = () => store.user?.role === 'Operator';
const listener = () => byId('rules-listener').value;

export function initRules() {
  onTabShown('tab-rules', loadListeners);
  on('user', renderAvailability);
  byId('rules-refresh').addEventListener('click', load);
  byId('rules-listener').addEventListener('change', load);
  byId('rules-form').addEventListener('submit', (event) => {
    event.preventDefault();
    save();
  });
  byId('rules-cancel').addEventListener('click', () => edit(null));
  renderAvailability();
}

function renderAvailability() {
  setHidden(byId('rules-form'), !isOperator());
  render();
}

async function loadListeners() {
  const select = byId('rules-listener');
  try {
    const listeners = await getJson('/api/listeners');
    const chosen = select.value;
    select.replaceChildren(...listeners.map((l) => el('option', null, l.name)));
    if (listeners.some((l) => l.name === chosen)) select.value = chosen;
  } catch (error) {
    setText(byId('rules-status'), error.message);
  }

  await load();
}

async function load() {
  const mine = ++request;
  if (!listener()) return;
  try {
    const result = await getJson(`/api/rules?${new URLSearchParams({ listener: listener() })}`);
    if (mine !== request) return;
    rules = result;
    setText(byId('rules-status'), '');
    render();
  } catch (error) {
    if (mine !== request) return;
    setText(byId('rules-status'), error.message);
  }
}

function render() {
  setText(byId('count-rules'), count(rules.length));
  setHidden(byId('rules-empty'), rules.length > 0);
  const operator = isOperator();
  byId('rules-body').replaceChildren(...rules.map((rule, index) => {
    const row = el('tr', rule.enabled ? null : 'rule-disabled');
    row.dataset.ruleId = String(rule.id);
    row.append(
      el('td', null, String(index + 1)),
      el('td', null, rule.name),
      el('td', null, rule.matchKind),
      el('td', 'mono', rule.pattern),
      el('td', 'mono', rule.reply ? `${rule.replyKind === 'Hex' ? 'hex ' : ''}${rule.reply}` : '—'),
      el('td', null, rule.record ? 'yes' : 'no'),
      el('td', 'num', count(rule.hits)),
      el('td', null, rule.lastHitAt ? when(Date.parse(rule.lastHitAt)) : '—'),
    );
    const actions = el('td', 'rule-actions');
    if (operator) {
      actions.append(
        button('↑', `Move rule ${index + 1} up`, index === 0, () => move(index, -1)),
        button('↓', `Move rule ${index + 1} down`, index === rules.length - 1, () => move(index, 1)),
        button(rule.enabled ? 'Disable' : 'Enable', null, false, () => toggle(rule)),
        button('Edit', null, false, () => edit(rule)),
        button('Delete', null, false, () => remove(rule)),
      );
    }
    row.append(actions);
    return row;
  }));
}

function button(text, label, disabled, onClick) {
  const b = el('button', 'btn btn-ghost btn-small', text);
  b.type = 'button';
  b.disabled = disabled;
  if (label) b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

function edit(rule) {
  editing = rule;
  byId('rules-name').value = rule?.name ?? '';
  byId('rules-match').value = rule?.matchKind ?? 'Equals';
  byId('rules-pattern').value = rule?.pattern ?? '';
  byId('rules-reply-kind').value = rule?.replyKind ?? 'Text';
  byId('rules-reply').value = rule?.reply ?? '';
  byId('rules-record').checked = rule?.record ?? true;
  setText(byId('rules-save'), rule ? 'Save rule' : 'Add rule');
  setHidden(byId('rules-cancel'), !rule);
  setText(byId('rules-error'), '');
}

async function act(fn) {
  setText(byId('rules-error'), '');
  try {
    await fn();
    await load();
    return true;
  } catch (error) {
    setText(byId('rules-error'), error.message);
    return false;
  }
}

async function save() {
  const body = {
    listener: listener(),
    name: byId('rules-name').value,
    matchKind: byId('rules-match').value,
    pattern: byId('rules-pattern').value,
    replyKind: byId('rules-reply-kind').value,
    reply: byId('rules-reply').value,
    record: byId('rules-record').checked,
  };
  const ok = await act(() => editing
    ? callApi('PUT', `/api/rules/${editing.id}`, { ...body, order: editing.order, enabled: editing.enabled })
    : callApi('POST', '/api/rules', body));
  if (ok) edit(null);
}

const toggle = (rule) => act(() => callApi('POST', `/api/rules/${rule.id}/${rule.enabled ? 'disable' : 'enable'}`));
const remove = (rule) => act(() => callApi('DELETE', `/api/rules/${rule.id}`));

function move(index, delta) {
  const ids = rules.map((r) => r.id);
  const [id] = ids.splice(index, 1);
  ids.splice(index + delta, 0, id);
  return act(() => callApi('POST', '/api/rules/reorder', { listener: listener(), ids }));
}
