// The Devices tab's HTTP calls (GET/PATCH/DELETE /api/devices..., POST /api/tags/...). A refusal throws
// an HttpError carrying the server's ProblemDetails detail, which the tab shows as text.
import { callApi, getJson } from '../http.js';

const device = (id) => `/api/devices/${encodeURIComponent(id)}`;

/** One page of the registry: { items, total, page, pageSize, registry }. */
export const devicePage = ({ q, tag, online, page, pageSize }) => {
  const query = new URLSearchParams({ page: String(page), pageSize: String(pageSize) });
  if (q) query.set('q', q);
  if (tag) query.set('tag', tag);
  if (online) query.set('online', online);
  return getJson(`/api/devices?${query}`);
};

export const updateDevice = (id, changes) => callApi('PATCH', device(id), changes);
export const forgetDevice = (id) => callApi('DELETE', device(id));
export const sendToDevice = (id, text, queue) => callApi('POST', `${device(id)}/send`, { text, queue });
export const devicePending = (id) => getJson(`${device(id)}/pending`);
export const cancelPending = (id, pendingId) => callApi('DELETE', `${device(id)}/pending${pendingId === undefined ? '' : `/${pendingId}`}`);
export const sendToTag = (tag, text) => callApi('POST', `/api/tags/${encodeURIComponent(tag)}/send`, { text });
export const kickTag = (tag) => callApi('POST', `/api/tags/${encodeURIComponent(tag)}/kick`);
