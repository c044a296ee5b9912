/** The sign-in form for staff (both staff pages use it). */
import { h, replace, uid, focusElement } from '../dom.js';
import { t } from '../i18n.js';
import { signIn } from './auth.js';
import { heading } from './chrome.js';
import { problemAlert, notice } from './problems.js';

/**
 * Show the form in `main`. options: {area, reason ('expired' | 'signedOut' | null),
 * onSignedIn(me)}.
 */
export function renderSignIn(main, { area, reason, onSignedIn }) {
  const emailId = uid('email');
  const passwordId = uid('password');
  const messages = h('div', { class: 'wg-signin__messages' });
  if (reason) messages.append(notice('info', t(`signin.reason.${reason}`), { role: 'status' }));
  const email = h('input', {
    class: 'wg-input',
    id: emailId,
    name: 'username',
    type: 'email',
    autocomplete: 'username',
    required: true,
    spellcheck: 'false',
  });
  const password = h('input', {
    class: 'wg-input',
    id: passwordId,
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit', class: 'wg-button', id: 'wg-signin-submit' }, t('signin.submit'));
  const form = h(
    'form',
    { class: 'wg-signin__form', novalidate: true, 'aria-describedby': 'wg-signin-intro' },
    h('div', { class: 'wg-field' }, h('label', { class: 'wg-label', for: emailId, text: t('signin.email') }), email),
    h('div', { class: 'wg-field' }, h('label', { class: 'wg-label', for: passwordId, text: t('signin.password') }), password),
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(messages);
    if (!email.value.trim() || !password.value) {
      const missing = !email.value.trim() ? email : password;
      missing.setAttribute('aria-invalid', 'true');
      messages.append(notice('error', t('signin.missing'), { role: 'alert' }));
      focusElement(missing);
      return;
    }
    email.removeAttribute('aria-invalid');
    password.removeAttribute('aria-invalid');
    submit.disabled = true;
    submit.textContent = t('signin.busy');
    const result = await signIn(email.value.trim(), password.value);
    submit.disabled = false;
    submit.textContent = t('signin.submit');
    if (!result.ok) {
      messages.append(problemAlert(result));
      password.value = '';
      focusElement(password);
      return;
    }
    onSignedIn(result.me);
  });
  const title = heading(t('signin.title'));
  replace(
    main,
    h(
      'section',
      { class: 'wg-panel wg-signin', 'aria-labelledby': 'wg-signin-title' },
      Object.assign(title, { id: 'wg-signin-title' }),
      h('p', { id: 'wg-signin-intro', text: t(`signin.intro.${area}`) }),
      messages,
      form,
    ),
  );
  focusElement(reason ? title : email);
}
