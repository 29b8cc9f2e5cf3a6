// The audit log tab, for Operators: pages through GET /api/audit, newest first. Every value in it
// came from a request someone made (user names, session ids, kick reasons), so all of it is text.
import { byId, el, setHidden, setText } from '../dom.js';
import { bytes, count, when } from '../format.js';
import { auditPage, HttpError } from '../http.js';
import { on, store } from '../state.js';
import { isTabShown, onTabShown, selectTab } from './tabs.js';

/** Rows per page: a screenful on a laptop. */
export const AUDIT_PAGE_SIZE = 25;

/** Sessions named in the targets cell before "+N more" (the full list is in its tooltip). */
const SHOWN_TARGETS = 2;

/** Characters of the SHA-256 shown; the full hash is in the tooltip. */
const SHOWN_HASH = 12;

/** The page asked for, and the page (with the total it was counted in) the table shows. */
let page = 1;
let total = 0;
let shown = { page: 1, total: 0 };
let loading = false;
let request = 0;

export function initAuditLog() {
  on('user', renderAvailability);
  onTabShown('tab-audit', load);
  byId('audit-refresh').addEventListener('click', load);
  byId('audit-newer').addEventListener('click', () => goTo(page - 1));
  byId('audit-older').addEventListener('click', () => goTo(page + 1));
  renderAvailability();
}

const isOperator = () => store.user?.role === 'Operator';

/** Only Operators may read the log: a Viewer is not offered the tab at all. */
function renderAvailability() {
  setHidden(byId('tab-audit'), !isOperator());
  if (!isOperator() && isTabShown('tab-audit')) selectTab('tab-live');
}

function goTo(next) {
  page = Math.max(1, next);
  load();
}

async function load() {
  const mine = ++request;
  loading = true;
  renderPager();
  try {
    const result = await auditPage(page, AUDIT_PAGE_SIZE);
    if (mine !== request) return;
    total = result.total;
    // Records can expire or the log can shrink between pages: past the end, show the last page.
    const last = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
    if (page > last && total > 0) {
      page = last;
      loading = false;
      load();
      return;
    }

    shown = { page, total };
    renderRows(result.items);
  } catch (error) {
    if (mine !== request) return;
    renderUnavailable(error);
  } finally {
    if (mine === request) {
      loading = false;
      renderPager();
    }
  }
}

function renderPager() {
  const first = (shown.page - 1) * AUDIT_PAGE_SIZE + 1;
  const last = Math.min(shown.total, shown.page * AUDIT_PAGE_SIZE);
  setText(byId('audit-range'), shown.total === 0 ? '' : `${count(first)}–${count(last)} of ${count(shown.total)}`);
  byId('audit-newer').disabled = loading || page <= 1;
  byId('audit-older').disabled = loading || page * AUDIT_PAGE_SIZE >= total;
  byId('audit-refresh').disabled = loading;
  byId('audit-table').setAttribute('aria-busy', String(loading));
}

function renderRows(items) {
  byId('audit-body').replaceChildren(...items.map(row));
  const empty = byId('audit-empty');
  setHidden(empty, items.length > 0);
  setText(empty, 'Nothing has been recorded yet.');
}

function renderUnavailable(error) {
  total = 0;
  shown = { page, total: 0 };
  byId('audit-body').replaceChildren();
  const empty = byId('audit-empty');
  setHidden(empty, false);
  setText(empty, error instanceof HttpError && error.status === 403
    ? 'The audit log is for Operators; your role cannot read it.'
    : 'Could not load the audit log. Try Refresh.');
  if (!(error instanceof HttpError)) console.warn('Audit log', error);
}

function row(record) {
  const tr = el('tr', 'audit-row');
  tr.dataset.id = String(record.id);
  tr.dataset.result = record.result;
  tr.append(
    timeCell(record.time),
    actorCell(record),
    cell('a-source mono', record.source ?? '—'),
    cell(`a-action action-${String(record.action).toLowerCase()}`, record.action),
    targetsCell(record),
    payloadCell(record),
    resultCell(record.result),
  );
  return tr;
}

function cell(className, text) {
  return el('td', className, text);
}

function timeCell(time) {
  const ms = Date.parse(time);
  const td = cell('a-time', when(ms));
  td.title = new Date(ms).toString();
  return td;
}

function actorCell(record) {
  const td = cell('a-actor');
  const how = record.actorKind === 'ApiKey' ? 'API key' : record.actorKind === 'User' ? 'user' : 'not signed in';
  td.append(el('span', 'actor-name', record.actor), el('small', null, record.role ? `${how} · ${record.role}` : how));
  return td;
}

function targetsCell(record) {
  const td = cell('a-targets');
  const sessions = record.sessions ?? [];
  let targets = '—';
  if (record.action === 'Broadcast') {
    targets = `every session of ${record.listener ?? 'an unknown listener'}`;
  } else if (sessions.length > 0) {
    const shown = sessions.slice(0, SHOWN_TARGETS).join(', ');
    targets = sessions.length > SHOWN_TARGETS ? `${shown} +${count(sessions.length - SHOWN_TARGETS)} more` : shown;
    td.title = sessions.join('\n');
  }

  td.append(el('span', 'targets mono', targets));
  if (record.detail) {
    const detail = el('small', 'audit-detail', record.detail);
    detail.title = record.detail;
    td.append(detail);
  }

  return td;
}

function payloadCell(record) {
  const td = cell('a-payload');
  if (record.payloadBytes === null || record.payloadBytes === undefined) {
    td.textContent = '—';
    return td;
  }

  td.append(el('span', 'payload-size', bytes(record.payloadBytes)));
  if (record.payloadSha256) {
    const hash = el('span', 'payload-hash mono', `${record.payloadSha256.slice(0, SHOWN_HASH)}…`);
    hash.title = `SHA-256 ${record.payloadSha256}`;
    td.append(hash);
  }

  return td;
}

function resultCell(result) {
  const td = cell('a-result');
  td.append(el('span', `result result-${String(result).toLowerCase()}`, result));
  return td;
}
