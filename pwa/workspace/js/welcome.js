/** The welcome page of an invitation link: the invited person chooses a password, is signed in. */
import { h, replace, focusElement } from '../../js/dom.js';
import { t, language } from '../../js/i18n.js';
import { api } from '../../js/api.js';
import { startSession } from '../../js/staff/auth.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { field, input, showErrors, whenSubmitted } from './common.js';

const MIN_PASSWORD = 12;

export async function renderWelcome({ main, query, onSignedIn }) {
  const invitation = query.get('token') || '';
  const title = heading(t('welcome.title'));
  if (!invitation) {
    replace(main, title, notice('error', t('welcome.noToken'), { role: 'alert' }));
    return;
  }
  const messages = h('div', { class: 'wg-form-messages' });
  const password = input({ id: 'wg-new-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: String(MIN_PASSWORD) });
  const repeat = input({ id: 'wg-repeat-password', name: 'repeat', type: 'password', autocomplete: 'new-password', required: true });
  const submit = h('button', { type: 'submit', class: 'wg-button', id: 'wg-welcome-submit', text: t('welcome.submit') });
  const form = h(
    'form',
    { class: 'wg-signin__form', novalidate: true },
    field({ id: 'wg-new-password', label: t('welcome.password'), hint: t('welcome.passwordHint', { count: MIN_PASSWORD }), input: password }),
    field({ id: 'wg-repeat-password', label: t('welcome.repeat'), input: repeat }),
    submit,
  );
  whenSubmitted(form, messages, async () => {
    const errors = [];
    if (password.value.length < MIN_PASSWORD) errors.push([password, t('welcome.tooShort', { count: MIN_PASSWORD })]);
    else if (repeat.value !== password.value) errors.push([repeat, t('welcome.different')]);
    if (errors.length) {
      showErrors(errors);
      return;
    }
    submit.disabled = true;
    const result = await api('/auth/invitation', {
      method: 'POST',
      body: { token: invitation, password: password.value },
      headers: { 'Accept-Language': language() },
    });
    if (!result.ok) {
      submit.disabled = false;
      replace(messages, problemAlert(result));
      focusElement(messages.firstChild);
      return;
    }
    const session = await startSession(result);
    submit.disabled = false;
    if (!session.ok) {
      replace(messages, problemAlert(session));
      focusElement(messages.firstChild);
      return;
    }
    onSignedIn(session.me);
  });
  replace(
    main,
    h('section', { class: 'wg-panel wg-signin', 'aria-labelledby': 'wg-welcome-title' }, Object.assign(title, { id: 'wg-welcome-title' }), h('p', { text: t('welcome.intro') }), messages, form),
  );
}
