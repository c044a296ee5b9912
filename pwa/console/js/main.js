/**
 * The facilitator console: sign in, choose a dialogue, see and plan its sessions, open and
 * close them, print the poster, open the projector window, and type in paper ballots.
 * State lives in the address: ?dialogue=1, &view=new, ?session=5&view=projector|ballots|integrity.
 */
import { h, replace, focusElement } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { applyBrand } from '../../js/brand.js';
import { startLanguage, CONSOLE_BUNDLE } from '../../js/staff/i18n.js';
import { renderChrome, heading, keepScrollRegionsReachable } from '../../js/staff/chrome.js';
import { currentUser, onSignedOut, staffApi } from '../../js/staff/auth.js';
import { renderSignIn } from '../../js/staff/signin.js';
import { readState, writeState } from '../../js/staff/state.js';
import { loadThemes } from '../../js/staff/themes.js';
import { problemAlert } from '../../js/staff/problems.js';
import { renderSessions } from './sessions.js';
import { renderNewSession } from './new-session.js';
import { renderProjectorLauncher } from './projector-launch.js';
import { renderBallots } from './ballots.js';
import { renderIntegrity } from './integrity.js';

const DEFAULTS = { dialogue: '', session: '', view: '' };
const main = () => document.getElementById('wg-main');

let state = readState(DEFAULTS);
let signedOutReason = null;
let dialogues = null;
let municipalities = new Map();
let flash = null; // a message for the next view: {kind, text}
let renderCount = 0;

const app = {
  navigate(changes, { message } = {}) {
    if (message) flash = message;
    state = { ...DEFAULTS, dialogue: state.dialogue, ...changes };
    writeState(state, { push: true });
    render();
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

function chrome(context) {
  renderChrome({
    area: 'console',
    bundle: CONSOLE_BUNDLE,
    context,
    rerender: () => render({ focus: false }),
    onSignedOut: () => {
      signedOutReason = 'signedOut';
      dialogues = null;
      render();
    },
  });
}

async function render({ focus = true } = {}) {
  const ticket = ++renderCount;
  state = readState(DEFAULTS);
  if (!currentUser()) {
    chrome();
    renderSignIn(main(), {
      area: 'console',
      reason: signedOutReason,
      onSignedIn: () => {
        signedOutReason = null;
        render();
      },
    });
    return;
  }
  const me = currentUser();
  chrome();
  if (!['facilitator', 'coordinator', 'admin'].includes(me.role)) {
    replace(
      main(),
      h(
        'section',
        { class: 'wg-panel' },
        heading(t('console.wrongRole.title')),
        h('p', { text: t('console.wrongRole.text') }),
        h('p', null, h('a', { href: '/dashboard/', text: t('console.wrongRole.dashboard') })),
      ),
    );
    if (focus) focusElement(main().querySelector('h1'));
    return;
  }
  if (!dialogues) {
    replace(main(), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
    const [list, places] = await Promise.all([staffApi('/dialogues'), staffApi('/municipalities'), loadThemes()]);
    if (ticket !== renderCount) return;
    if (!list.ok) {
      if (list.status !== 401) replace(main(), heading(t('console.title')), problemAlert(list));
      return;
    }
    dialogues = list.data;
    municipalities = new Map(places.ok ? places.data.map((m) => [m.cbsCode, m]) : []);
  }
  const view = { app, state, main: main(), isCurrent: () => ticket === renderCount };
  if (state.session && ['projector', 'ballots', 'integrity'].includes(state.view)) {
    const session = await staffApi(`/sessions/${encodeURIComponent(state.session)}`);
    if (ticket !== renderCount) return;
    if (!session.ok) {
      if (session.status !== 401) replace(main(), heading(t('console.title')), problemAlert(session));
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
  if (focus && ticket === renderCount) focusElement(main().querySelector('h1'));
}

async function boot() {
  await startLanguage([CONSOLE_BUNDLE]);
  onSignedOut(() => {
    signedOutReason = 'expired';
    dialogues = null;
    render();
  });
  window.addEventListener('popstate', () => render());
  keepScrollRegionsReachable();
  render();
}

boot();
