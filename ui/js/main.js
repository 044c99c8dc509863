// zkDx front end, started here: each screen is its own module (no build step; the
// WebView loads them as ES modules). It talks to the Rust commands only, never the network.

import { checkRecord, chooseTrustList, exportBundle, openBundle, setUpClinician } from "./clinician.js";
import { exportHistory, showHistory, showStatus, verifyHistory } from "./history.js";
import { chooseModelById, loadRecord, saveBundle, setUpPatient } from "./patient.js";
import { compareBundle, openModel, setUpRegulator } from "./regulator.js";
import { onTabShown, selectTab, setUpTabs } from "./tabs.js";
import { setUpWelcome } from "./welcome.js";

setUpTabs();
onTabShown("history", showHistory);
setUpClinician();
setUpRegulator();

// entry points for end-to-end tests, which cannot drive native file dialogs
window.zkdx = {
  loadRecord, openBundle, exportBundle, chooseModelById, openModel, saveBundle, selectTab, checkRecord,
  compareBundle, chooseTrustList, exportHistory, verifyHistory,
};

setUpWelcome();
showStatus();
setUpPatient();
