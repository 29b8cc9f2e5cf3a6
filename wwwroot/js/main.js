// Entry point: builds the views, connects to the hub and routes what it sends into the state.
import { useConnection } from './actions.js';
import { closeForGood, createHubConnection, keepConnected } from './connection.js';
import { fromServer } from './hub-contract.js';
import { currentUser, signOut } from './http.js';
import { applyCluster, applyDelta, applySnapshot, applyTotals, receiveTraffic, setHubState, setUser } from './state.js';
import { initAuditLog } from './views/audit-log.js';
import { initCapacity } from './views/capacity.js';
import { initCharts } from './views/charts.js';
import { initClosedList } from './views/closed-list.js';
import { composer, initComposer } from './views/composer.js';
import { initControls } from './views/controls.js';
import { initDevices } from './views/devices.js';
import { initFramingLab } from './views/framing-lab.js';
import { initHeader } from './views/header.js';
import { initKickDialog } from './views/kick-dialog.js';
import { initNodes } from './views/nodes.js';
import { initRules } from './views/rules.js';
import { initOutbound } from './views/outbound.js';
import { initRecordings } from './views/recordings.js';
import { initSchedules } from './views/schedules.js';
import { initWebhooks } from './views/webhooks.js';
import { initSessionPane } from './views/session-pane.js';
import { initSessionTable } from './views/session-table.js';
import { initTabs } from './views/tabs.js';

const connection = createHubConnection();

/** Signs out, closes the hub connection (so it does not try to come back) and goes to the sign-in page. */
async function signOutAndLeave() {
  await signOut();
  await closeForGood(connection);
  window.location.assign('/login.html');
}

initHeader({ onSignOut: signOutAndLeave });
initControls(() => composer);
initCharts();
initTabs();
initSessionTable();
initClosedList();
initAuditLog();
initDevices();
initNodes();
initRules();
initCapacity();
initFramingLab();
initOutbound();
initRecordings();
initSchedules();
initWebhooks();
initSessionPane();
initComposer();
initKickDialog();

connection.on(fromServer.snapshot, applySnapshot);
connection.on(fromServer.sessionsChanged, applyDelta);
connection.on(fromServer.totalsChanged, applyTotals);
connection.on(fromServer.clusterChanged, applyCluster);
connection.on(fromServer.traffic, receiveTraffic);
useConnection(connection);
keepConnected(connection, setHubState);

// The role decides which actions are offered; the server checks it again on every command.
currentUser().then(setUser).catch((error) => console.warn('Could not read the signed-in user', error));
