// The one place that builds the SignalR hub connection and follows its life. Other modules never touch
// signalR directly: they get the connection from here and hear about its state through onState.
import { goToSignIn, isUnauthorized } from './auth-redirect.js';
import { hubPath } from './hub-contract.js';

/** Wait before each reconnect attempt: quick at first, then every 10 s, for as long as it takes. */
function retryDelay(previousAttempts) {
  return [0, 1000, 2000, 5000][previousAttempts] ?? 10000;
}

/** Set when a reconnect attempt was refused with a 401 (SignalR's onclose does not say why it closed). */
let signedOut = false;

/** Set when the operator signed out: the connection was closed on purpose and stays closed. */
let leaving = false;

/** Set when a reconnect attempt was refused at a connection cap: the server's reason. */
let refusedBecause = null;

/** Wait before trying again after the server refused the connection at a cap. */
const refusedRetryDelay = 30000;

/**
 * The server's reason when it refused the connection at a connection cap, else null: a 429 at
 * negotiation carries a ProblemDetails whose detail names the limit; a connection that got in just
 * past the cap is closed with the same words as a hub error.
 */
export function refusalReason(error) {
  const text = String(error?.message ?? error ?? '');
  if (/Status code '429'/.test(text)) {
    const body = text.match(/\{.*\}/s);
    try {
      const detail = body && JSON.parse(body[0]).detail;
      if (detail) return detail;
    } catch {
      // Not a ProblemDetails body: fall back to the general words.
    }
    return 'The server refused this dashboard connection: too many are open.';
  }
  const hub = text.match(/HubException: (.*dashboard connections open.*)$/s);
  return hub ? hub[1].trim() : null;
}

/** Builds the dashboard's hub connection. */
export function createHubConnection() {
  const signalR = globalThis.signalR;
  return new signalR.HubConnectionBuilder()
    .withUrl(hubPath)
    .withAutomaticReconnect({
      // A 401 will not go away by retrying: stop, and let onclose send the operator to sign in.
      // Refused at a connection cap: stop too, and let onclose say why and try again slowly.
      nextRetryDelayInMilliseconds: (context) => {
        signedOut = isUnauthorized(context.retryReason);
        refusedBecause = refusalReason(context.retryReason);
        return signedOut || refusedBecause ? null : retryDelay(context.previousRetryCount);
      },
    })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
}

/**
 * Starts the connection and keeps it alive: SignalR's automatic reconnect covers a dropped
 * connection; a failed first start, or a connection that closed for good, is retried here.
 * onState receives 'connecting', 'connected', 'reconnecting', 'disconnected' or 'refused' (at a
 * connection cap; then the server's reason as a third argument), and the attempt number.
 */
export function keepConnected(connection, onState) {
  let attempts = 0;
  let timer = 0;

  async function start() {
    clearTimeout(timer);
    onState(attempts === 0 ? 'connecting' : 'reconnecting', attempts);
    try {
      await connection.start();
      attempts = 0;
      onState('connected', 0);
    } catch (error) {
      if (isUnauthorized(error)) {
        goToSignIn();
        return;
      }

      console.warn('Dashboard hub: could not connect', error);
      if (refuse(refusalReason(error))) return;
      onState('disconnected', attempts);
      timer = setTimeout(start, retryDelay(attempts++));
    }
  }

  /** Shows the server's refusal and tries again after a while (a place frees when another tab closes). */
  function refuse(reason) {
    refusedBecause = null;
    if (!reason) return false;
    onState('refused', ++attempts, reason);
    timer = setTimeout(start, refusedRetryDelay);
    return true;
  }

  connection.onreconnecting(() => onState('reconnecting', ++attempts));
  connection.onreconnected(() => {
    attempts = 0;
    onState('connected', 0);
  });
  connection.onclose((error) => {
    if (leaving) return;
    if (signedOut || isUnauthorized(error)) {
      goToSignIn();
      return;
    }

    if (refuse(refusedBecause ?? refusalReason(error))) return;
    onState('disconnected', attempts);
    timer = setTimeout(start, retryDelay(attempts++));
  });

  start();
}

/** Closes the connection for good (the operator signed out): no reconnect, no banner. */
export function closeForGood(connection) {
  leaving = true;
  return connection.stop();
}
