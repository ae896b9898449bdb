// Loads the Yew app. Kept out of index.html so the CSP needs no inline script.
import init from './hearth_ui.js';
init().catch((e) => {
  document.getElementById('boot').textContent = 'Hearth could not start its interface: ' + e;
});
