// Every HTTP request the dashboard makes goes through this module (the hub connection is built in
// connection.js), so cross-cutting handling such as an expired sign-in lives in one place.
import { goToSignIn } from './auth-redirect.js';

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJson(path) {
  const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.status === 401) goToSignIn();
  if (!response.ok) throw new HttpError(response.status, `GET ${path}: ${response.status}`);
  return response.json();
}

/**
 * A JSON call (body sent as JSON when given) for the tabs that change things. A refusal throws an
 * HttpError carrying the server's ProblemDetails detail, which the tab shows as text; 204 gives null.
 */
export async function callApi(method, path, body) {
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

/** Who is signed in: { name, role: 'Viewer' | 'Operator', kind, expiresAt }. */
export const currentUser = () => getJson('/auth/me');

/**
 * One page of the audit log, newest first (Operators only; a Viewer gets an HttpError with status 403):
 * { items: AuditRecord[], total, page, pageSize }.
 */
export const auditPage = (page, pageSize) =>
  getJson(`/api/audit?${new URLSearchParams({ page: String(page), pageSize: String(pageSize) })}`);

/**
 * Starts draining a node (Operators only): POST /api/nodes/{name}/drain. Resolves with the DrainResponse;
 * a refusal (403, 404, 409 for another node) throws an HttpError carrying the server's ProblemDetails detail.
 */
export async function drainNode(name) {
  const path = `/api/nodes/${encodeURIComponent(name)}/drain`;
  const response = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.status === 401) goToSignIn();
  if (!response.ok) {
    let detail = `POST ${path}: ${response.status}`;
    try {
      detail = (await response.json()).detail ?? detail;
    } catch {
      // No ProblemDetails body: keep the status.
    }
    throw new HttpError(response.status, detail);
  }
  return response.json();
}

/**
 * Ends the sign-in (the server removes the cookie and records the sign-out). A 401 means it had ended
 * already, which is what was wanted.
 */
export async function signOut() {
  const response = await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok && response.status !== 401) throw new HttpError(response.status, `POST /auth/logout: ${response.status}`);
}
