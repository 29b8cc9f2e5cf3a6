// Which actions are possible right now, in one place: none while the hub is not connected (the
// banner says why), and each only when it has something to act on.
import { byId, setHidden, setText } from '../dom.js';
import { canOperate, isLive, on, store } from '../state.js';

let composerState = () => ({ target: 'selected', valid: false });

export function initControls(getComposerState) {
  composerState = getComposerState;
  on('hub', () => {
    renderBanner();
    refreshControls();
  });
  on('user', refreshControls);
  on('selection', refreshControls);
  on('focus', refreshControls);
  on('sessions', refreshControls);
  renderBanner();
  refreshControls();
}

export function refreshControls() {
  const live = isLive();
  const operator = canOperate();
  const composer = composerState();
  const focusedLive = store.focusedId !== null && store.sessions.has(store.focusedId);
  const hasTargets = composer.target === 'broadcast' ? store.listeners.length > 0 : store.selection.size > 0;

  // Every control marked data-needs-hub is off while the hub is down, whatever else holds; the
  // operator's actions are off for a Viewer.
  for (const control of document.querySelectorAll('[data-needs-hub]')) {
    if (!live || !operator) control.disabled = true;
  }

  setHidden(byId('viewer-note'), operator);
  if (!live || !operator) return;
  byId('kick-selected').disabled = store.selection.size === 0;
  byId('pane-kick').disabled = !focusedLive;
  byId('payload').disabled = false;
  byId('send').disabled = !(composer.valid && hasTargets);
  byId('kick-confirm').disabled = false;
}

function renderBanner() {
  const banner = byId('banner');
  const down = store.hub === 'reconnecting' || store.hub === 'disconnected' || store.hub === 'refused';
  setHidden(banner, !down);
  if (!down) return;
  const attempt = store.hubAttempt > 1 ? ` (attempt ${store.hubAttempt})` : '';
  if (store.hub === 'refused') {
    setText(byId('banner-text'), `${store.hubReason} Trying again every 30 s.`);
    return;
  }
  setText(byId('banner-text'), store.hub === 'reconnecting'
    ? `Connection to the server lost. Reconnecting${attempt}…`
    : `Cannot reach the server. Reconnecting${attempt}…`);
}
