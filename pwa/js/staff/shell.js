/**
 * The staff shell shared by the console, the dashboard and the workspace: their texts, the
 * header and footer, the sign-in form while nobody is signed in, a page for a role the area is
 * not for, sign-out and an expired sign-in, and one drawing at a time.
 *
 * An area's page (the default export of /<area>/js/main.js) tells the shell:
 *   bundles      its text catalogues, loaded after the staff texts in the chosen language
 *   roles        the roles it serves; others get a link to the area `elsewhere`, or without
 *                one are sent to where their role starts
 *   render(view) draws the page for the signed-in person: view = {me, main, focus, isCurrent}
 *   forget()     drops what it loaded for the person who signed out
 *   start()      optional: once, before the first drawing (listeners of its own)
 *   open(view)   optional: draws a page for anyone before sign-in is asked; true if it did
 *   onSignedIn(me) optional: after signing in (else the page is drawn again)
 */
import { h, replace, focusElement } from '../dom.js';
import { t } from '../i18n.js';
import { startLanguage } from './i18n.js';
import { renderChrome, heading, keepScrollRegionsReachable } from './chrome.js';
import { currentUser, onSignedOut } from './auth.js';
import { landingPath } from './landing.js';
import { renderSignIn } from './signin.js';
import { loadThemes } from './themes.js';
import { problemAlert } from './problems.js';

let area = null;
let page = null;
let signedOutReason = null; // 'signedOut' | 'expired', said on the sign-in form
let renderCount = 0;

const main = () => document.getElementById('wg-main');

/** Draw the header and footer; `context` (e.g. the municipality) follows the area's name. */
export function chrome(context) {
  const nav = document.getElementById('wg-nav');
  if (nav) nav.hidden = true; // an area's own navigation shows only where the area draws it
  renderChrome({
    area,
    bundles: page.bundles,
    context,
    rerender: () => redraw({ focus: false }),
    onSignedOut: () => signedOut('signedOut'),
  });
}

function signedOut(reason) {
  signedOutReason = reason;
  page.forget();
  redraw();
}

function renderWrongRole(me, focus) {
  if (!page.elsewhere) {
    location.replace(landingPath(me.role));
    return;
  }
  chrome();
  replace(
    main(),
    h(
      'section',
      { class: 'wg-panel' },
      heading(t(`${area}.wrongRole.title`)),
      h('p', { text: t(`${area}.wrongRole.text`) }),
      h('p', null, h('a', { href: `/${page.elsewhere}/`, text: t(`${area}.wrongRole.${page.elsewhere}`) })),
    ),
  );
  if (focus) focusElement(main().querySelector('h1'));
}

/** Draw the page afresh (after a change of address, a sign-in, a language switch). */
export async function redraw({ focus = true } = {}) {
  const ticket = ++renderCount;
  const view = { main: main(), focus, isCurrent: () => ticket === renderCount };
  if (page.open && page.open(view)) return;
  const me = currentUser();
  if (!me) {
    chrome();
    renderSignIn(main(), {
      area,
      reason: signedOutReason,
      onSignedIn: (person) => {
        signedOutReason = null;
        if (page.onSignedIn) page.onSignedIn(person);
        else redraw();
      },
    });
    return;
  }
  if (!page.roles.includes(me.role)) {
    renderWrongRole(me, focus);
    return;
  }
  chrome();
  await page.render({ ...view, me });
}

/**
 * What a page needs before its first view, shown as loading meanwhile: the answers to
 * `requests` (the themes load alongside). Null when the page has moved on or the first request
 * failed (its problem shown under `title`; a lapsed sign-in shows the sign-in form instead).
 */
export async function loadFirst(view, title, requests) {
  replace(view.main, h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const results = await Promise.all([...requests, loadThemes()]);
  if (!view.isCurrent()) return null;
  const [first] = results;
  if (!first.ok) {
    if (first.status !== 401) replace(view.main, heading(title), problemAlert(first));
    return null;
  }
  return results.slice(0, requests.length);
}

/** Start the shell with an area's page (js/staff/page.js does, for the page's address). */
export async function startShell(areaName, areaPage) {
  area = areaName;
  page = areaPage;
  await startLanguage(page.bundles);
  onSignedOut(() => signedOut('expired'));
  keepScrollRegionsReachable();
  if (page.start) page.start();
  redraw();
}
