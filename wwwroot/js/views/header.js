// The top bar (hub connection state, listeners, the signed-in user and sign-out) and the numbers of
// the stat tiles.
import { byId, el, setHidden, setText } from '../dom.js';
import { byteRate, bytes, count, rate } from '../format.js';
import { on, store } from '../state.js';

const hubLabels = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
  refused: 'Refused',
};

/** onSignOut ends the sign-in and leaves the page; the button stays busy until it has. */
export function initHeader({ onSignOut }) {
  const signOut = byId('sign-out');
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    try {
      await onSignOut();
    } catch (error) {
      console.warn('Sign-out failed', error);
      signOut.disabled = false;
    }
  });
  on('hub', renderHub);
  on('snapshot', () => {
    renderListeners();
    renderTotals();
  });
  on('totals', renderTotals);
  on('cluster', renderScope);
  on('user', renderUser);
  renderHub();
}

/** In a cluster the counts and rates are the cluster's (only "opened since start" is this node's): the tiles say so. */
function renderScope() {
  const clustered = store.cluster.enabled;
  for (const tile of document.querySelectorAll('.stats .stat')) {
    setText(tile.querySelector('.stat-window'), clustered ? 'last 5 min · all nodes' : 'last 5 min');
  }
  setText(byId('stat-opened-where'), clustered ? 'opened here since start' : 'opened since start');
}

function renderUser() {
  const chip = byId('user');
  setHidden(chip, store.user === null);
  if (!store.user) return;
  setText(byId('user-name'), store.user.name);
  setText(byId('user-role'), store.user.role);
}

function renderHub() {
  document.body.dataset.hub = store.hub;
  setText(byId('hub-state-label'), hubLabels[store.hub] ?? store.hub);
}

function renderListeners() {
  const holder = byId('listener-summary');
  holder.replaceChildren(...store.listeners.map((listener) => {
    const chip = el('span', 'listener-chip');
    chip.dataset.listener = listener.name;
    chip.append(
      el('strong', null, listener.name),
      el('span', 'chip-count', '–'),
      el('span', 'chip-refused'),
      el('span', 'chip-detail', `${listener.endPoint} · ${listener.mode} · ${listener.framing}`),
    );
    return chip;
  }));
}

const refusalLabels = {
  connectionLimit: 'at the connection limit',
  addressLimit: 'at the per-address limit',
  rate: 'over the per-address rate',
  denied: 'denied by address',
  banned: 'banned',
  untrustedProxy: 'not from a trusted proxy',
  proxyHeader: 'without a valid PROXY header',
};

/** "12 refused", and what refused them, from a listener's rejection counts. */
function refusals(rejections) {
  const total = Object.keys(refusalLabels).reduce((sum, key) => sum + (rejections?.[key] ?? 0), 0);
  const reasons = Object.entries(refusalLabels)
    .filter(([key]) => (rejections?.[key] ?? 0) > 0)
    .map(([key, label]) => `${count(rejections[key])} ${label}`);
  return { total, text: reasons.length ? `refused since start: ${reasons.join(', ')}` : 'no connection refused' };
}

/** Each listener's chip shows its live sessions and refused connections; its rates and reasons are in the tooltip. */
function renderListenerTotals(totals) {
  for (const chip of byId('listener-summary').children) {
    const listener = store.listeners.find((l) => l.name === chip.dataset.listener);
    const t = totals.listeners.find((l) => l.name === chip.dataset.listener);
    if (!listener || !t) continue;
    setText(chip.querySelector('.chip-count'), count(t.sessions));
    const refused = refusals(t.rejections);
    const badge = chip.querySelector('.chip-refused');
    setHidden(badge, refused.total === 0);
    setText(badge, refused.total ? `${count(refused.total)} refused` : '');
    chip.title = [
      `${listener.name}: ${listener.mode}, ${listener.framing}, up to ${count(listener.maxConnections)} connections`,
      `${count(t.sessions)} sessions · ${rate(t.connectsPerSecond)} connects/s · ${rate(t.disconnectsPerSecond)} disconnects/s`,
      `in ${rate(t.framesInPerSecond)} frames/s, ${byteRate(t.bytesInPerSecond)} · out ${rate(t.framesOutPerSecond)} frames/s, ${byteRate(t.bytesOutPerSecond)}`,
      refused.text,
    ].join('\n');
  }
}

/**
 * What the last minute added up to, under each rate: a rate falls back to 0 a second after a burst, so a
 * single send would otherwise read "0 / 0". Rates times the time between samples, summed over the
 * samples of the last 60 s.
 */
function renderLastMinute() {
  const history = store.totalsHistory;
  const newest = history.at(-1);
  if (!newest) return;
  const sums = { connects: 0, disconnects: 0, framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
  for (let i = history.length - 1; i > 0; i--) {
    const sample = history[i];
    if (newest.time - sample.time >= 60_000) break;
    const seconds = Math.max(0, (sample.time - history[i - 1].time) / 1000);
    sums.connects += sample.connectsPerSecond * seconds;
    sums.disconnects += sample.disconnectsPerSecond * seconds;
    sums.framesIn += sample.framesInPerSecond * seconds;
    sums.framesOut += sample.framesOutPerSecond * seconds;
    sums.bytesIn += sample.bytesInPerSecond * seconds;
    sums.bytesOut += sample.bytesOutPerSecond * seconds;
  }

  setText(byId('minute-churn'), `last min ${count(Math.round(sums.connects))} / ${count(Math.round(sums.disconnects))}`);
  setText(byId('minute-frames'), `last min ${count(Math.round(sums.framesIn))} / ${count(Math.round(sums.framesOut))}`);
  setText(byId('minute-bytes'), `last min ${bytes(Math.round(sums.bytesIn))} / ${bytes(Math.round(sums.bytesOut))}`);
}

function renderTotals() {
  const t = store.totals;
  if (!t) return;
  renderListenerTotals(t);
  setText(byId('stat-sessions'), count(t.sessions));
  setText(byId('stat-opened'), count(t.openedTotal));
  setText(byId('stat-connects'), rate(t.connectsPerSecond));
  setText(byId('stat-disconnects'), rate(t.disconnectsPerSecond));
  setText(byId('stat-frames-in'), rate(t.framesInPerSecond));
  setText(byId('stat-frames-out'), rate(t.framesOutPerSecond));
  setText(byId('stat-bytes-in'), byteRate(t.bytesInPerSecond));
  setText(byId('stat-bytes-out'), byteRate(t.bytesOutPerSecond));
  renderLastMinute();
  const dropped = t.droppedEvents;
  const warning = byId('stat-dropped');
  setHidden(warning, dropped === 0);
  setText(warning, dropped ? `${count(dropped)} events dropped` : '');
  warning.title = 'Session events the dashboard could not keep up with since the server started (it resynchronizes).';
}
