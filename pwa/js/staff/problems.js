/**
 * Show a failed API call plainly: a short title for what kind of problem it is, then the
 * API's own `detail` (in the interface's language, marked with the language it came in) and
 * the reasons per field.
 */
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { t } from '../i18n.js';

function titleKey(status) {
  if (status === 0) return 'staffProblem.network';
  if (status === 400 || status === 422) return 'staffProblem.invalid';
  if (status === 401) return 'staffProblem.unauthorized';
  if (status === 403) return 'staffProblem.forbidden';
  if (status === 404) return 'staffProblem.notFound';
  if (status === 409) return 'staffProblem.conflict';
  if (status === 413) return 'staffProblem.tooLarge';
  if (status === 429) return 'staffProblem.busy';
  if (status >= 500) return 'staffProblem.server';
  return 'staffProblem.generic';
}

/** An error notice for a failed result ({status, problem}); role=alert so it is read out. */
export function problemAlert(result, { role = 'alert', id } = {}) {
  const problem = (result && result.problem) || {};
  const status = result ? result.status : 0;
  const params = Array.isArray(problem.invalidParams) ? problem.invalidParams : [];
  return h(
    'div',
    { class: 'wg-alert wg-alert--error wg-problem', role, id },
    icon('alert'),
    h(
      'div',
      { class: 'wg-alert__body' },
      h('strong', { class: 'wg-alert__title', text: t(titleKey(status)) }),
      problem.detail ? h('p', { lang: problem.contentLanguage || 'en', class: 'wg-problem__detail', text: problem.detail }) : null,
      params.length
        ? h('ul', { lang: problem.contentLanguage || 'en' }, params.map((p) => h('li', { text: `${p.name}: ${p.reason}` })))

        : null,
    ),
  );
}

/** A short notice: kind is info, success, warning or error. */
export function notice(kind, text, { role, title, iconName } = {}) {
  const names = { info: 'info', success: 'check', warning: 'alert', error: 'alert' };
  return h(
    'div',
    { class: `wg-alert wg-alert--${kind}`, role },
    icon(iconName || names[kind]),
    h(
      'div',
      { class: 'wg-alert__body' },
      title ? h('strong', { class: 'wg-alert__title', text: title }) : null,
      h('p', { text }),
    ),
  );
}
