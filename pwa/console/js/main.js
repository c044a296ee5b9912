/**
 * The facilitator console: sign in, choose a dialogue, see and plan its sessions, open and
 * close them, print the poster, open the projector window, and type in paper ballots.
 * State lives in the address: ?dialogue=1, &view=new, ?session=5&view=projector|ballots|integrity.
 */
import { replace, focusElement } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { applyBrand } from '../../js/brand.js';
import { CONSOLE_BUNDLE } from '../../js/staff/i18n.js';
import { chrome, redraw, loadFirst } from '../../js/staff/shell.js';
import { heading } from '../../js/staff/chrome.js';
import { staffApi } from '../../js/staff/auth.js';
import { readState, writeState } from '../../js/staff/state.js';
import { problemAlert } from '../../js/staff/problems.js';
import { renderSessions } from './sessions.js';
import { renderNewSession } from './new-session.js';
import { renderProjectorLauncher } from './projector-launch.js';
import { renderBallots } from './ballots.js';
import { renderIntegrity } from './integrity.js';

const DEFAULTS = { dialogue: '', session: '', view: '' };
let state = readState(DEFAULTS);
let dialogues = null;
let municipalities = new Map();
let flash = null; // a message for the next view: {kind, text}

const app = {
  navigate(changes, { message } = {}) {
    if (message) flash = message;
    state = { ...DEFAULTS, dialogue: state.dialogue, ...changes };
    writeState(state, { push: true });
    redraw();
  },
  takeFlash() {
    const message = flash;
    flash = null;
    return message;
  },
  municipality(code) {
    return municipalities.get(code) || { cbsCode: code, name: code };
  },
  dialogue(id) {
    return (dialogues || []).find((d) => String(d.id) === String(id));
  },
  get dialogues() {
    return dialogues || [];
  },
};

async function render(view) {
  state = readState(DEFAULTS);
  if (!dialogues) {
    const loaded = await loadFirst(view, t('console.title'), [staffApi('/dialogues'), staffApi('/municipalities')]);
    if (!loaded) return;
    const [list, places] = loaded;
    dialogues = list.data;
    municipalities = new Map(places.ok ? places.data.map((m) => [m.cbsCode, m]) : []);
  }
  view = { ...view, app, state };
  if (state.session && ['projector', 'ballots', 'integrity'].includes(state.view)) {
    const session = await staffApi(`/sessions/${encodeURIComponent(state.session)}`);
    if (!view.isCurrent()) return;
    if (!session.ok) {
      if (session.status !== 401) replace(view.main, heading(t('console.title')), problemAlert(session));
      return;
    }
    const dialogue = app.dialogue(session.data.dialogueId);
    const place = app.municipality(session.data.municipality);
    if (place.brandColour) applyBrand(place.brandColour);
    chrome(place.name);
    if (state.view === 'projector') renderProjectorLauncher({ ...view, session: session.data });
    else if (state.view === 'integrity') await renderIntegrity({ ...view, session: session.data });
    else await renderBallots({ ...view, session: session.data, dialogue });
  } else {
    let dialogue = app.dialogue(state.dialogue);
    if (!dialogue && dialogues.length === 1) {
      dialogue = dialogues[0];
      state = { ...state, dialogue: String(dialogue.id) };
      writeState(state);
    }
    if (dialogue) {
      const place = app.municipality(dialogue.municipality);
      if (place.brandColour) applyBrand(place.brandColour);
      chrome(place.name);
    }
    if (dialogue && state.view === 'new') await renderNewSession({ ...view, dialogue });
    else await renderSessions({ ...view, dialogue });
  }
  if (view.focus && view.isCurrent()) focusElement(view.main.querySelector('h1'));
}

export default {
  bundles: [CONSOLE_BUNDLE],
  roles: ['facilitator', 'coordinator', 'admin'],
  elsewhere: 'dashboard',
  render,
  forget() {
    dialogues = null;
  },
  start() {
    window.addEventListener('popstate', () => redraw());
  },
};
