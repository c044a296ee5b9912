/**
 * The coordinator's workspace: a municipality sets up and follows up its own dialogue.
 * Pages live in the address after the # (#/settings, #/dialogues/3/sessions, …), so reload,
 * Back and links work; the chosen municipality is kept for this tab.
 */
import { h, replace, focusElement } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { applyBrand } from '../../js/brand.js';
import { CONSOLE_BUNDLE, WORKSPACE_BUNDLE } from '../../js/staff/i18n.js';
import { chrome, redraw, loadFirst } from '../../js/staff/shell.js';
import { heading } from '../../js/staff/chrome.js';
import { currentUser } from '../../js/staff/auth.js';
import { landingPath } from '../../js/staff/landing.js';
import { notice } from '../../js/staff/problems.js';
import { wsApi } from './common.js';
import { renderWelcome } from './welcome.js';
import { renderMunicipalities, renderSettings } from './settings.js';
import { renderNeighbourhoods } from './neighbourhoods.js';
import { renderVenues } from './venues.js';
import { renderPeople } from './people.js';
import { renderDialogues, renderDialogueEditor } from './dialogues.js';
import { renderSessions } from './sessions.js';
import { renderPledges } from './pledges.js';
import { renderIdeas } from './ideas.js';
import { renderPhoto } from './photo.js';
import { renderParticipation } from './participation.js';
import { renderAgenda } from './agenda.js';
import { renderReportBack } from './report-back.js';

const ROLES = ['admin', 'coordinator'];
const PLACE_KEY = 'wg.workspace.municipality';

const ROUTES = [
  ['welcome', /^welcome$/, renderWelcome],
  ['municipalities', /^municipalities$/, renderMunicipalities],
  ['settings', /^settings$/, renderSettings],
  ['neighbourhoods', /^neighbourhoods$/, renderNeighbourhoods],
  ['venues', /^venues$/, renderVenues],
  ['staff', /^staff$/, renderPeople],
  ['dialogues', /^dialogues$/, renderDialogues],
  ['dialogues', /^dialogues\/(new|\d+)$/, renderDialogueEditor],
  ['dialogues', /^dialogues\/(\d+)\/sessions$/, renderSessions],
  ['dialogues', /^dialogues\/(\d+)\/pledges$/, renderPledges],
  ['dialogues', /^dialogues\/(\d+)\/ideas$/, renderIdeas],
  ['dialogues', /^dialogues\/(\d+)\/participation$/, renderParticipation],
  ['dialogues', /^dialogues\/(\d+)\/agenda$/, renderAgenda],
  ['dialogues', /^dialogues\/(\d+)\/report-back$/, renderReportBack],
  ['photo', /^photo$/, renderPhoto],
];
const NAV = ['settings', 'neighbourhoods', 'venues', 'staff', 'photo', 'dialogues'];

const main = () => document.getElementById('wg-main');
const nav = () => document.getElementById('wg-nav');

let municipalities = null;
let flash = null;

function parseHash() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const [path, query = ''] = raw.split('?');
  return { path: path.replace(/\/+$/, ''), query: new URLSearchParams(query) };
}

function storedPlace() {
  try {
    return sessionStorage.getItem(PLACE_KEY);
  } catch {
    return null;
  }
}

const app = {
  /** Go to a page ('dialogues/3/sessions'); an optional message shows on it. */
  navigate(path, { message } = {}) {
    if (message) flash = message;
    const target = `#/${path}`;
    if (location.hash === target) redraw();
    else location.hash = target;
  },
  /** A status region with the message left by the previous page, if any. */
  flashRegion() {
    const region = h('div', { class: 'wg-flash', role: 'status' });
    const message = flash;
    flash = null;
    if (message) requestAnimationFrame(() => replace(region, notice(message.kind, message.text)));
    return region;
  },
  get municipalities() {
    return municipalities || [];
  },
  get municipality() {
    const code = storedPlace();
    return this.municipalities.find((m) => m.cbsCode === code) || this.municipalities[0] || null;
  },
  setMunicipality(code) {
    try {
      sessionStorage.setItem(PLACE_KEY, code);
    } catch {
      /* private mode: the first one is used */
    }
  },
  async reloadMunicipalities() {
    const result = await wsApi('/municipalities');
    if (result.ok) municipalities = result.data;
    return result;
  },
  /** After a change to the current municipality (name, colour): redraw header and nav. */
  refreshFrame() {
    frame(parseHash().path.split('/')[0]);
  },
};

function placePicker(current) {
  if (app.municipalities.length < 2) return null;
  const select = h(
    'select',
    { class: 'wg-select', id: 'wg-place', name: 'municipality' },
    app.municipalities.map((m) => h('option', { value: m.cbsCode, selected: current && m.cbsCode === current.cbsCode, text: m.name })),
  );
  const form = h(
    'form',
    { class: 'wg-workspace__place' },
    h('label', { class: 'wg-label', for: 'wg-place', text: t('ws.nav.municipality') }),
    select,
    h('button', { type: 'submit', class: 'wg-button wg-button--secondary', text: t('ws.nav.switch') }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    app.setMunicipality(select.value);
    app.navigate('settings', { message: { kind: 'success', text: t('ws.nav.switched', { name: select.selectedOptions[0].textContent }) } });
  });
  return form;
}

function frame(section) {
  const me = currentUser();
  const place = app.municipality;
  if (place && place.brandColour) applyBrand(place.brandColour);
  chrome(place ? place.name : null);
  const items = place ? [...NAV] : [];
  if (me.role === 'admin') items.push('municipalities');
  const list = h(
    'ul',
    { class: 'wg-workspace__links' },
    items.map((key) =>
      h('li', null, h('a', { href: `#/${key}`, 'aria-current': key === section ? 'page' : null, dataset: { nav: key }, text: t(`ws.nav.${key}`) })),
    ),
  );
  const el = nav();
  el.hidden = false;
  el.setAttribute('aria-label', t('ws.nav.label'));
  replace(el, placePicker(place), list);
}

function routeOf(path) {
  return ROUTES.find(([, pattern]) => pattern.test(path));
}

/** The welcome page of an invitation, for anyone with the link: true when it is drawn. */
function open({ main: where }) {
  const { path, query } = parseHash();
  const route = routeOf(path);
  if (!route || route[0] !== 'welcome') return false;
  chrome();
  renderWelcome({ main: where, query, onSignedIn: afterSignIn });
  return true;
}

async function render(shellView) {
  const { me, focus, isCurrent } = shellView;
  if (!municipalities && !(await loadFirst(shellView, t('ws.title'), [app.reloadMunicipalities()]))) return;
  // Read the address only now, and only if no newer drawing began meanwhile: a stale one must
  // not send the page back to its start (#/settings) after the address changed.
  if (!isCurrent()) return;
  const { path, query } = parseHash();
  const route = routeOf(path);
  let [section, pattern, view] = route || [];
  let params = pattern ? pattern.exec(path).slice(1) : [];
  if (!route || (!app.municipality && section !== 'municipalities')) {
    const start = app.municipality ? 'settings' : me.role === 'admin' ? 'municipalities' : null;
    if (start) {
      history.replaceState(null, '', `#/${start}`);
      section = start;
      view = ROUTES.find(([key]) => key === start)[2];
      params = [];
    } else {
      frame(null);
      replace(main(), heading(t('ws.noMunicipality.title')), h('p', { text: t('ws.noMunicipality.text') }));
      if (focus) focusElement(main().querySelector('h1'));
      return;
    }
  }
  frame(section);
  await view({ app, main: main(), me, params, query, municipality: app.municipality, isCurrent });
  if (!isCurrent()) return;
  const title = main().querySelector('h1');
  if (title) document.title = `${title.textContent} – ${t('workspace.pageTitle')} – ${t('staff.product')}`;
  if (focus) focusElement(title);
}

function afterSignIn(me) {
  if (!ROLES.includes(me.role)) {
    location.assign(landingPath(me.role));
    return;
  }
  municipalities = null;
  if (parseHash().path === 'welcome') app.navigate('settings');
  else redraw();
}

export default {
  bundles: [CONSOLE_BUNDLE, WORKSPACE_BUNDLE], // the session pages reuse the console's texts
  roles: ROLES,
  open,
  render,
  onSignedIn: afterSignIn,
  forget() {
    municipalities = null;
  },
  start() {
    // The navigation column beside the page.
    const columns = h('div', { class: 'wg-workspace' }, h('nav', { class: 'wg-workspace__nav', id: 'wg-nav', hidden: true }));
    main().before(columns);
    columns.append(main());
    window.addEventListener('hashchange', () => {
      if (location.hash === '' || location.hash.startsWith('#/')) redraw();
    });
    document.getElementById('wg-skip').addEventListener('click', (event) => {
      event.preventDefault(); // the address keeps the page; the skip link only moves focus
      focusElement(main());
    });
  },
};
