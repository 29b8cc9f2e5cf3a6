// The dashboard hub's contract, mirroring IDashboardClient (server to browser) and DashboardHub
// (browser to server) in src/KestrelTcp.Server/Dashboard. Every method name lives here, once.
export const hubPath = '/hubs/dashboard';

export const fromServer = Object.freeze({
  snapshot: 'Snapshot',
  sessionsChanged: 'SessionsChanged',
  totalsChanged: 'TotalsChanged',
  clusterChanged: 'ClusterChanged',
  traffic: 'Traffic',
});

export const toServer = Object.freeze({
  watch: 'Watch',
  unwatch: 'Unwatch',
  send: 'Send',
  broadcast: 'Broadcast',
  kick: 'Kick',
});
