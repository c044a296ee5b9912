/** Building blocks of the resident screens: panel, buttons, choices, fields and notices. */
import { h, uid, append } from '../dom.js';
import { icon } from '../icons.js';
import { t, language } from '../i18n.js';

/** A screen: progress line (optional), the h1 (focused after navigating), intro, body. */
export function panel({ name, title, progress, intro, body }) {
  const section = h('section', { class: `wg-panel wg-screen--${name}`, 'aria-labelledby': `wg-h1-${name}` });
  if (progress && progress.number > 0) {
    const fill = h('span', { class: 'wg-progress__fill' });
    fill.style.inlineSize = `${Math.round((100 * progress.number) / progress.total)}%`;
    section.append(h('p', { class: 'wg-progress' }, t('progress.step', progress), h('span', { class: 'wg-progress__bar', 'aria-hidden': 'true' }, fill)));
  }
  section.append(h('h1', { id: `wg-h1-${name}`, tabindex: '-1', text: title }));
  if (intro) section.append(h('p', { class: 'wg-lead', text: intro }));
  return append(section, [body]);
}

/** button(label, onClick, {variant: primary|secondary|subtle, iconName, iconAfter, ...attributes}) */
export function button(label, onclick, { variant = 'primary', iconName, iconAfter, ...attrs } = {}) {
  const glyph = iconName && icon(iconName, { mirror: ['next', 'previous'].includes(iconName) });
  return h(
    'button',
    { type: 'button', class: ['wg-button', variant === 'primary' ? 'wg-button--primary-action' : `wg-button--${variant}`], onclick, ...attrs },
    iconAfter ? null : glyph, h('span', { text: label }), iconAfter ? glyph : null,
  );
}

export const actions = (...buttons) => h('div', { class: 'wg-button-row wg-button-row--split' }, buttons);
export const backButton = (onClick) => button(t('action.back'), onClick, { variant: 'secondary', iconName: 'previous', id: 'wg-back' });
export const nextButton = (label, onClick, attrs) => button(label || t('action.next'), onClick, { iconName: 'next', iconAfter: true, id: 'wg-next', ...attrs });

/** One radio or checkbox; the whole row is its label (a large target). option: {value, label, hint, lang, search}. */
export function choice({ type, name, option, checked, onChange }) {
  const id = uid(name);
  const hintId = option.hint && `${id}-hint`;
  return h(
    'label',
    { class: 'wg-choice', for: id, dataset: option.search ? { search: option.search } : null },
    h('input', {
      type, id, name, value: option.value, checked: Boolean(checked), 'aria-describedby': hintId,
      onchange: (e) => onChange(type === 'checkbox' ? e.target.checked : option.value),
    }),
    h('span', null, h('span', { lang: option.lang, dir: option.lang && 'auto', text: option.label }), option.hint && h('span', { class: 'wg-choice__hint', id: hintId, text: option.hint })),
  );
}

/** Radio buttons in a fieldset. */
export function radios({ name, legend, legendClass = 'wg-legend', options, value, onChange }) {
  return h(
    'fieldset',
    { class: 'wg-fieldset' },
    h('legend', { class: legendClass, text: legend }),
    h('div', { class: 'wg-choices' }, options.map((option) => choice({ type: 'radio', name, option, checked: option.value === value, onChange }))),
  );
}

/** A labelled form field with optional hint and error (linked with aria-describedby). */
export function field({ id, label, hint, error, control }) {
  control.id = id;
  const described = [hint && `${id}-hint`, error && `${id}-error`, control.getAttribute('aria-describedby')].filter(Boolean);
  if (described.length) control.setAttribute('aria-describedby', described.join(' '));
  if (error) control.setAttribute('aria-invalid', 'true');
  return h(
    'div',
    { class: ['wg-field', error && 'wg-field--error'] },
    h('label', { class: 'wg-label', for: id, text: label }),
    hint && h('p', { class: 'wg-hint', id: `${id}-hint`, text: hint }),
    error && h('p', { class: 'wg-error-message', id: `${id}-error`, text: t(error) }),
    control,
  );
}

/** A notice: kind is info, success, warning or error. */
export const notice = (kind, iconName, title, ...body) => h(
  'div',
  { class: `wg-alert wg-alert--${kind}` },
  icon(iconName),
  h('div', { class: 'wg-alert__body' }, title && h('strong', { class: 'wg-alert__title', text: title }), body),
);

/** A refused request in plain words, the refused fields, and the server's own (English) words. */
export const problemBlock = (m) => [
  m.text && m.text !== m.title && h('p', { text: m.text }),
  m.details.length > 0 && h('ul', { lang: m.serverLanguage }, m.details.map((d) => h('li', { text: d }))),
  m.serverDetail && h('p', { class: 'wg-muted' }, `${t('problem.serverSays')} `, h('span', { lang: m.serverLanguage, text: m.serverDetail })),

];

/** lang/dir of a text from the API: the language it is in (older journeys: Dutch). */
export const textLang = (item) => ({ lang: (item && item.language) || 'nl', dir: 'auto' });

/** A small visible note after a text that is not in the app's language ("in Dutch"), or null. */
export function languageNote(item) {
  const lang = (item && item.language) || 'nl';
  // In the app's language, whatever the language of the text around it.
  return lang === language() ? null : h('span', { class: 'wg-lang-note', lang: language(), text: t(`content.in.${lang}`) });
}
