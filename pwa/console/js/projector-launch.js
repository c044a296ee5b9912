/**
 * Opening the projector: the console asks for a projector link (a token for this one
 * session's screen) and opens the projector page in a window of its own with it. The
 * projector window holds no staff sign-in, so nothing of the facilitator is on the screen and
 * a projector tab left open can do no more than show the room its code and results.
 */
import { h, replace, focusElement } from '../../js/dom.js';
import { icon } from '../../js/icons.js';
import { t, language } from '../../js/i18n.js';
import { staffApi } from '../../js/staff/auth.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';

/** Mint a projector link and open the projector window; messages go to `area`. */
export async function openProjector(session, area, button) {
  // Open the window inside the click, so no pop-up blocker stops it; it gets its address
  // once the link is there, and no way back to this window.
  const win = window.open('', '_blank');
  if (win) win.opener = null;
  const result = await staffApi(`/sessions/${session.id}/projector-links`, { method: 'POST' });
  if (!result.ok) {
    if (win) win.close();
    if (result.status !== 401) replace(area, problemAlert(result));
    return;
  }
  const url = `/console/projector.html?session=${session.id}&lang=${language()}#token=${encodeURIComponent(result.data.token)}`;
  if (!win) {
    const link = h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', id: 'wg-projector-link', text: t('projectorLaunch.link') });
    replace(area, notice('warning', t('projectorLaunch.blocked')), link);
    focusElement(link);
    return;
  }
  win.location.replace(url);
  replace(area, notice('success', t('projectorLaunch.opened'), { role: 'status' }));
  if (button) focusElement(button);
}

/** A button that opens the projector window. */
export function projectorButton(session, area) {
  const button = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'projector' } }, icon('tablet'), h('span', { text: t('sessions.projector') }), h('span', { class: 'wg-visually-hidden', text: t('projectorLaunch.newWindow') }));
  button.addEventListener('click', () => openProjector(session, area, button));
  return button;
}

/** ?session=5&view=projector (an older bookmark): say where the projector went, offer it. */
export function renderProjectorLauncher({ app, main, session }) {
  const messages = h('div');
  const back = h('a', {
    href: `?dialogue=${session.dialogueId}`,
    text: t('projector.back'),
    onclick: (event) => {
      event.preventDefault();
      app.navigate({ dialogue: String(session.dialogueId) });
    },
  });
  replace(
    main,
    h(
      'section',
      { class: 'wg-panel' },
      heading(t('projectorLaunch.title')),
      h('p', { text: t('projectorLaunch.intro') }),
      messages,
      h('p', null, projectorButton(session, messages)),
      h('p', null, back),
    ),
  );
}
