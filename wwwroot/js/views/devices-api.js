// The Devices tab's HTTP calls (GET/PATCH/DELETE /api/devices..., POST /api/tags/...). A refusal throws
// an HttpError carrying the server's ProblemDetails detail, which the tab shows as text.
import { goToSignIn } from '../auth-redirect.js';
import { getJson, HttpError } from '../http.js';

const device = (id) => `/api/devices/${encodeURIComponent(id)}`;

async function call(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  const response = await fetch(path, init);
  if (response.status === 401) goToSignIn();
  if (!response.ok) {
    let detail = `${method} ${path}: ${response.status}`;
    try {
      detail = (await response.json()).detail ?? detail;
    } catch {
      // No ProblemDetails body: keep the status.
    }
    throw new HttpError(response.status, detail);
  }

  return response.status === 204 ? null : response.json();
}

/** One page of the registry: { items, total, page, pageSize, registry }. */
export const devicePage = ({ q, tag, online, page, pageSize }) => {
  const query = new URLSearchParams({ page: String(page), pageSize: String(pageSize) });
  if (q) query.set('q', q);
  if (tag) query.set('tag', tag);
  if (online) query.set('online', online);
  return getJson(`/api/devices?${query}`);
};

export const updateDevice = (id, changes) => call('PATCH', device(id), changes);
export const forgetDevice = (id) => call('DELETE', device(id));
export const sendToDevice = (id, text, queue) => call('POST', `${device(id)}/send`, { text, queue });
export const devicePending = (id) => getJson(`${device(id)}/pending`);
export const cancelPending = (id, pendingId) => call('DELETE', `${device(id)}/pending${pendingId === undefined ? '' : `/${pendingId}`}`);
export const sendToTag = (tag, text) => call('POST', `/api/tags/${encodeURIComponent(tag)}/send`, { text });
export const kickTag = (tag) => call('POST', `/api/tags/${encodeURIComponent(tag)}/kick`);
