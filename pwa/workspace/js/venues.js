/** Venues: the places sessions are held (kind, name, address, accessibility notes). */
import { h, replace, focusElement } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert } from '../../js/staff/problems.js';
import { wsApi, field, input, textarea, showErrors, whenSubmitted, showRefusal } from './common.js';

export const VENUE_KINDS = ['library', 'youth_centre', 'community_centre', 'other'];
const OTHER_LANGUAGES = ['en', 'ar'];

function venueForm({ app, place, venue, onDone }) {
  const editing = Boolean(venue);
  const prefix = editing ? `wg-venue-${venue.id}` : 'wg-venue-new';
  const messages = h('div', { class: 'wg-form-messages' });
  const kind = h(
    'select',
    { class: 'wg-select', id: `${prefix}-kind`, name: 'kind', required: true },
    h('option', { value: '', text: t('ws.venues.kindChoose') }),
    VENUE_KINDS.map((k) => h('option', { value: k, selected: venue && venue.kind === k, text: t(`venueKind.${k}`) })),
  );
  const name = input({ id: `${prefix}-name`, name: 'name', required: true, maxlength: '120', value: venue ? venue.name : '' });
  const address = input({ id: `${prefix}-address`, name: 'address', maxlength: '200', autocomplete: 'street-address', value: (venue && venue.address) || '' });
  const notes = textarea({ id: `${prefix}-notes`, name: 'accessibilityNotes', maxlength: '1000', value: (venue && venue.accessibilityNotes) || '' });
  const names = Object.fromEntries(
    OTHER_LANGUAGES.map((lang) => [lang, input({ id: `${prefix}-name-${lang}`, name: `name-${lang}`, maxlength: '120', lang, dir: lang === 'ar' ? 'rtl' : null, value: (venue && venue.translations && venue.translations[lang] && venue.translations[lang].name) || '' })]),
  );
  const submit = h('button', { type: 'submit', class: 'wg-button', id: `${prefix}-save`, text: t(editing ? 'ws.save' : 'ws.venues.add') });
  const form = h(
    'form',
    { class: 'wg-ws-form wg-venue-form', novalidate: true, id: `${prefix}-form` },
    messages,
    h('div', { class: 'wg-form-grid' }, field({ id: `${prefix}-kind`, label: t('ws.venues.kind'), input: kind }), field({ id: `${prefix}-name`, label: t('ws.venues.name'), input: name })),
    field({ id: `${prefix}-address`, label: t('ws.venues.address'), input: address }),
    field({ id: `${prefix}-notes`, label: t('ws.venues.notes'), hint: t('ws.venues.notesHint'), input: notes }),
    h(
      'div',
      { class: 'wg-form-grid' },
      OTHER_LANGUAGES.map((lang) => field({ id: `${prefix}-name-${lang}`, label: t('ws.venues.nameIn', { language: t(`ws.lang.${lang}`) }), input: names[lang] })),
    ),
    h('div', { class: 'wg-actions' }, submit, editing ? h('button', { type: 'button', class: 'wg-button wg-button--secondary', text: t('ws.cancel'), onclick: () => onDone(null) }) : null),
  );
  whenSubmitted(form, messages, async () => {
    const errors = [];
    if (!kind.value) errors.push([kind, t('ws.venues.kindChoose')]);
    if (!name.value.trim()) errors.push([name, t('ws.error.required')]);
    if (errors.length) return showErrors(errors);
    const translations = {};
    for (const lang of OTHER_LANGUAGES) if (names[lang].value.trim()) translations[lang] = { name: names[lang].value.trim() };
    const body = { kind: kind.value, name: name.value.trim(), address: address.value.trim() || null, accessibilityNotes: notes.value.trim() || null };
    const hadTranslations = Boolean(venue && venue.translations && Object.keys(venue.translations).length);
    if (Object.keys(translations).length || hadTranslations) body.translations = Object.keys(translations).length ? translations : null;
    submit.disabled = true;
    const result = editing
      ? await wsApi(`/venues/${venue.id}`, { method: 'PATCH', body })
      : await wsApi('/venues', { method: 'POST', body: { municipality: place.cbsCode, ...body } });
    submit.disabled = false;
    if (!result.ok) {
      if (result.status === 401) return;
      showRefusal(messages, result, { kind, name, address, accessibilityNotes: notes });
      return;
    }
    onDone(result.data);
  });
  return form;
}

function venueItem({ app, place, venue, redraw }) {
  const titleId = `wg-venue-${venue.id}-title`;
  const messages = h('div', { class: 'wg-form-messages' });
  const body = h('div');
  const show = () => {
    const edit = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'edit' }, 'aria-describedby': titleId, text: t('ws.edit') });
    const remove = h('button', { type: 'button', class: 'wg-button wg-button--subtle', dataset: { action: 'delete' }, 'aria-describedby': titleId, text: t('ws.delete') });
    edit.addEventListener('click', () => {
      replace(body, venueForm({ app, place, venue, onDone: (saved) => (saved ? redraw({ kind: 'success', text: t('ws.venues.saved', { name: saved.name }) }) : (show(), focusElement(body.querySelector('[data-action=edit]')))) }));
      focusElement(body.querySelector('select'));
    });
    remove.addEventListener('click', () => {
      const yes = h('button', { type: 'button', class: 'wg-button', dataset: { action: 'confirm-delete' }, text: t('ws.venues.deleteConfirm') });
      const no = h('button', { type: 'button', class: 'wg-button wg-button--secondary', text: t('ws.keep'), onclick: () => { replace(messages); focusElement(remove); } });
      yes.addEventListener('click', async () => {
        const result = await wsApi(`/venues/${venue.id}`, { method: 'DELETE' });
        if (!result.ok) {
          if (result.status !== 401) replace(messages, problemAlert(result));
          focusElement(messages.firstChild);
          return;
        }
        redraw({ kind: 'success', text: t('ws.venues.deleted', { name: venue.name }) });
      });
      replace(messages, h('div', { class: 'wg-alert wg-alert--warning', role: 'group', 'aria-label': t('ws.venues.deleteQuestion', { name: venue.name }) }, h('div', { class: 'wg-alert__body' }, h('p', { text: t('ws.venues.deleteQuestion', { name: venue.name }) }), h('div', { class: 'wg-actions' }, yes, no))));
      focusElement(yes);
    });
    const facts = [
      [t('ws.venues.kind'), t(`venueKind.${venue.kind}`)],
      [t('ws.venues.address'), venue.address || '–'],
      [t('ws.venues.notes'), venue.accessibilityNotes || '–'],
    ];
    replace(body, h('dl', { class: 'wg-ws-facts' }, facts.map(([term, value]) => h('div', null, h('dt', { text: term }), h('dd', { text: value })))), h('div', { class: 'wg-actions' }, edit, remove));
  };
  show();
  return h('li', { class: 'wg-ws-card', dataset: { venue: venue.id } }, h('h3', { id: titleId, text: venue.name }), body, messages);
}

export async function renderVenues({ app, main, isCurrent }) {
  const place = app.municipality;
  const redraw = (message) => app.navigate('venues', { message });
  replace(main, heading(t('ws.venues.title')), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const result = await wsApi(`/venues?municipality=${encodeURIComponent(place.cbsCode)}`);
  if (!isCurrent()) return;
  const flash = app.flashRegion();
  if (!result.ok) {
    replace(main, heading(t('ws.venues.title')), flash, problemAlert(result));
    return;
  }
  const venues = [...result.data].sort((a, b) => a.name.localeCompare(b.name));
  const list = venues.length
    ? h('ul', { class: 'wg-ws-cards', id: 'wg-venues', 'aria-label': t('ws.venues.listLabel') }, venues.map((venue) => venueItem({ app, place, venue, redraw })))
    : h('p', { id: 'wg-venues', text: t('ws.venues.none') });
  const form = venueForm({ app, place, venue: null, onDone: (saved) => redraw({ kind: 'success', text: t('ws.venues.added', { name: saved.name }) }) });
  replace(
    main,
    heading(t('ws.venues.title')),
    flash,
    h('p', { class: 'wg-lead', text: t('ws.venues.intro') }),
    list,
    h('section', { class: 'wg-panel', 'aria-labelledby': 'wg-venue-new-title' }, h('h2', { id: 'wg-venue-new-title', text: t('ws.venues.new') }), form),
  );
}
