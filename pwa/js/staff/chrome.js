/**
 * The frame of a staff page: skip link, header (product, signed-in person, language switch,
 * sign-out), footer, and the polite live region used by announce().
 */
import { h, replace, focusElement } from '../dom.js';
import { icon } from '../icons.js';
import { t } from '../i18n.js';
import { otherLanguage, startLanguage } from './i18n.js';
import { currentUser, signOut } from './auth.js';

/**
 * Draw the header and footer. options: {area: 'console'|'dashboard'|'workspace', bundles (the
 * area's texts), context (e.g. the municipality), rerender() after a language switch,
 * onSignedOut()}.
 */
export function renderChrome({ area, bundles, context, rerender, onSignedOut }) {
  const switchLanguage = async (code) => {
    await startLanguage(bundles, code);
    rerender();
    focusElement(document.getElementById('wg-language'));
  };
  const signOutNow = () => {
    signOut();
    onSignedOut();
  };
  const skip = document.getElementById('wg-skip');
  if (skip) skip.textContent = t('staff.skipLink');
  document.title = `${t(`${area}.pageTitle`)} – ${t('staff.product')}`;

  const me = currentUser();
  const other = otherLanguage();
  const tools = h('div', { class: 'wg-header__tools' });
  if (me) tools.append(h('p', { class: 'wg-staff-user' }, h('span', { class: 'wg-visually-hidden', text: `${t('staff.signedInAs')} ` }), me.email));
  tools.append(
    h(
      'button',
      { type: 'button', class: 'wg-button', id: 'wg-language', onclick: () => switchLanguage(other.code) },
      icon('globe'),
      h('span', { lang: other.code, text: other.name }),
    ),
  );
  if (me) {
    tools.append(
      h('button', { type: 'button', class: 'wg-button', id: 'wg-sign-out', onclick: signOutNow }, t('staff.signOut')),
    );
  }
  replace(
    document.getElementById('wg-header'),
    h(
      'div',
      { class: 'wg-header__inner' },
      h(
        'p',
        { class: 'wg-header__title' },
        t('staff.product'),
        h('span', { class: 'wg-header__sub', text: context ? `${t(`${area}.headerTitle`)} · ${context}` : t(`${area}.headerTitle`) }),
      ),
      tools,
    ),
  );
  const footer = document.getElementById('wg-footer');
  if (footer) {
    replace(
      footer,
      h('div', { class: 'wg-footer__inner' }, h('p', { class: 'wg-footer__note', text: t('staff.footer') })),
    );
  }
}

/** A link back to a dialogue's sessions, handled in the page (and a real link without script). */
export function backToDialogue(app, dialogueId, text) {
  return h('a', {
    class: 'wg-button wg-button--secondary',
    href: `?dialogue=${dialogueId}`,
    onclick: (event) => {
      event.preventDefault();
      app.navigate({ dialogue: String(dialogueId) });
    },
    text,
  });
}

/** A view's heading: focused after a view change so screen readers start there. */
export function heading(text, level = 1, attrs = {}) {
  return h(`h${level}`, { tabindex: '-1', ...attrs, text });
}

/**
 * A table wider than the screen scrolls sideways; keyboard users must be able to reach that
 * scroll area too. Wide table wrappers get tabindex=0, role=region and the table's caption as
 * their name; the others stay out of the tab order. Watches the page as it changes.
 */
export function keepScrollRegionsReachable(root = document.body) {
  let pending = 0;
  const check = () => {
    pending = 0;
    for (const wrap of root.querySelectorAll('.wg-table-wrap')) {
      const wide = wrap.scrollWidth > wrap.clientWidth + 1;
      if (wide && !wrap.hasAttribute('tabindex')) {
        const caption = wrap.querySelector('caption');
        wrap.setAttribute('tabindex', '0');
        wrap.setAttribute('role', 'region');
        wrap.setAttribute('aria-label', caption ? caption.textContent : t('staff.wideTable'));
      } else if (!wide && wrap.getAttribute('role') === 'region') {
        wrap.removeAttribute('tabindex');
        wrap.removeAttribute('role');
        wrap.removeAttribute('aria-label');
      }
    }
  };
  const soon = () => {
    if (!pending) pending = requestAnimationFrame(check);
  };
  new MutationObserver(soon).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['open'] });
  window.addEventListener('resize', soon);
  soon();
}
