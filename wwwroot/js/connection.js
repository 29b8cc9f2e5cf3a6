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

/** Builds the dashboard's hub connection. */
export function createHubConnection() {
  const signalR = globalThis.signalR;
  return new signalR.HubConnectionBuilder()
    .withUrl(hubPath)
    .withAutomaticReconnect({
      // A 401 will not go away by retrying: stop, and let onclose send the operator to sign in.
      nextRetryDelayInMilliseconds: (context) => {
        signedOut = isUnauthorized(context.retryReason);
        return signedOut ? null : retryDelay(context.previousRetryCount);
      },
    })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
}

/**
 * Starts the connection and keeps it alive: SignalR's automatic reconnect covers a dropped
 * connection; a failed first start, or a connection that closed for good, is retried here.
 * onState receives 'connecting', 'connected', 'reconnecting' or 'disconnected', and the attempt number.
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
      onState('disconnected', attempts);
      timer = setTimeout(start, retryDelay(attempts++));
    }
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
