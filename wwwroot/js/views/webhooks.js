// The Webhooks tab: every endpoint with its counters (never its secret), its delivery log, and adding or
// removing endpoints (Operators). URLs and errors are text only in the page.
import { byId, el, setText } from '../dom.js';
import { callApi, getJson } from '../http.js';
import { on, store } from '../state.js';
import { isTabShown, onTabShown } from './tabs.js';

const isOperator = () => store.user?.role === 'Operator';
let selected = null;

export function initWebhooks() {
  onTabShown('tab-webhooks', refresh);
  on('user', () => {
    byId('webhook-form').hidden = !isOperator();
  });
  byId('webhook-form').hidden = !isOperator();
  byId('webhook-form').addEventListener('submit', onSubmit);
  byId('webhooks-body').addEventListener('click', onClick);
  setInterval(() => {
    if (isTabShown('tab-webhooks')) refresh();
  }, 2000);
}

async function refresh() {
  try {
    const endpoints = await getJson('/api/webhooks');
    render(endpoints);
    if (selected && endpoints.some((e) => e.name === selected)) {
      renderDeliveries(await getJson(`/api/webhooks/${encodeURIComponent(selected)}/deliveries`));
    }
  } catch (error) {
    setText(byId('webhooks-status'), error.message);
  }
}

function render(endpoints) {
  const body = byId('webhooks-body');
  body.replaceChildren();
  setText(byId('count-webhooks'), String(endpoints.length));
  for (const e of endpoints) {
    const tr = el('tr', 'webhook-row');
    tr.dataset.name = e.name;
    for (const text of [e.name, e.url, e.events.join(', '), e.source, String(e.queued), String(e.delivered), String(e.retries), String(e.droppedQueueFull), String(e.droppedAfterRetries)]) {
      tr.append(el('td', null, text));
    }
    const actions = el('td');
    const log = el('button', 'btn small w-log', 'Deliveries');
    log.type = 'button';
    log.dataset.action = 'log';
    actions.append(log);
    if (isOperator() && e.source === 'api') {
      const remove = el('button', 'btn small w-remove', 'Remove');
      remove.type = 'button';
      remove.dataset.action = 'remove';
      actions.append(remove);
    }
    tr.append(actions);
    body.append(tr);
  }
}

function renderDeliveries(deliveries) {
  setText(byId('webhook-deliveries-title'), `Deliveries of ${selected}`);
  const body = byId('webhook-deliveries-body');
  body.replaceChildren();
  for (const d of deliveries) {
    const tr = el('tr', 'delivery-row');
    for (const text of [new Date(d.at).toISOString(), d.type, d.sessionId ?? '', d.delivered ? 'delivered' : 'dropped', d.status == null ? '–' : String(d.status), String(d.attempts), `${Math.round(d.latencyMs)} ms`, d.error ?? '']) {
      tr.append(el('td', null, text));
    }
    body.append(tr);
  }
}

async function onClick(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const name = button.closest('tr').dataset.name;
  try {
    if (button.dataset.action === 'log') selected = name;
    else await callApi('DELETE', `/api/webhooks/${encodeURIComponent(name)}`);
  } catch (error) {
    setText(byId('webhooks-status'), error.message);
  }
  refresh();
}

async function onSubmit(event) {
  event.preventDefault();
  const events = [...document.querySelectorAll('#webhook-form input[name="webhook-event"]:checked')].map((i) => i.value);
  try {
    await callApi('POST', '/api/webhooks', { name: byId('webhook-name').value, url: byId('webhook-url').value, secret: byId('webhook-secret').value, events });
    byId('webhook-secret').value = '';
    setText(byId('webhooks-status'), 'Added.');
  } catch (error) {
    setText(byId('webhooks-status'), error.message);
  }
  refresh();
}
