// The operator's actions, as calls to the hub. Views call these; nothing else invokes hub methods.
import { toServer } from './hub-contract.js';

let connection = null;

export function useConnection(hubConnection) {
  connection = hubConnection;
}

export const watch = (sessionId) => connection.invoke(toServer.watch, sessionId);
export const unwatch = (sessionId) => connection.invoke(toServer.unwatch, sessionId);

/** payload is { text } or { hex }. */
export const send = (sessionIds, payload) =>
  connection.invoke(toServer.send, { sessionIds, text: payload.text ?? null, hex: payload.hex ?? null });

export const broadcast = (listener, payload) =>
  connection.invoke(toServer.broadcast, { listener, text: payload.text ?? null, hex: payload.hex ?? null });

export const kick = (sessionIds, reason) => connection.invoke(toServer.kick, { sessionIds, reason });
