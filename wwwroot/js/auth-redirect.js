// What the dashboard does when the server says it is not signed in (401): go to the sign-in page,
// which brings the operator back here afterwards.

/**
 * Whether an error from fetch or SignalR is a 401. SignalR wraps a refused negotiate into an error
 * whose message is all that is left of the status ("... Status code '401'").
 */
export function isUnauthorized(error) {
  return error?.statusCode === 401 || error?.status === 401 || /Status code '401'/.test(String(error?.message ?? ''));
}

export function goToSignIn() {
  const back = `${window.location.pathname}${window.location.search}${window.location.hash}`;
  window.location.assign(`/login.html?returnUrl=${encodeURIComponent(back)}`);
}
