/**
 * The sessions of a dialogue: plan one, change it (title, place, times: reschedule), cancel a
 * planned one, open its poster. Times are read and shown in Europe/Amsterdam.
 */
import { h, replace, focusElement } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { icon } from '../../js/icons.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import * as fmt from '../../js/staff/format.js';
import { openPoster } from '../../console/js/poster.js';
import { wsApi, field, input, showErrors, whenSubmitted, showRefusal, amsterdamParts, amsterdamToIso, amsterdamToday } from './common.js';

function when(session) {
  if (fmt.date(session.startsAt) !== fmt.date(session.endsAt)) {
    return t('session.whenDays', { start: fmt.dateTime(session.startsAt), end: fmt.dateTime(session.endsAt) });
  }
  return t('session.when', { date: fmt.date(session.startsAt), start: fmt.time(session.startsAt), end: fmt.time(session.endsAt) });
}

function sessionForm({ dialogue, venues, session, onDone }) {
  const editing = Boolean(session);
  const prefix = editing ? `wg-s-${session.id}` : 'wg-s-new';
  const messages = h('div', { class: 'wg-form-messages' });
  const start = session ? amsterdamParts(session.startsAt) : { date: amsterdamToday(), time: '19:00' };
  const end = session ? amsterdamParts(session.endsAt) : { date: start.date, time: '21:00' };
  const venue = h(
    'select',
    { class: 'wg-select', id: `${prefix}-venue`, name: 'venueId', required: true, disabled: editing },
    h('option', { value: '', text: t('new.venueChoose') }),
    venues.map((v) => h('option', { value: String(v.id), selected: session && session.venue.id === v.id, text: `${v.name} (${t(`venueKind.${v.kind}`)})` })),
  );
  const title = input({ id: `${prefix}-title`, name: 'title', maxlength: '160', value: (session && session.title) || '' });
  const startDate = input({ id: `${prefix}-start-date`, name: 'startDate', type: 'date', required: true, class: 'wg-input wg-input--date', value: start.date });
  const startTime = input({ id: `${prefix}-start-time`, name: 'startTime', type: 'time', required: true, class: 'wg-input wg-input--short', value: start.time });
  const endDate = input({ id: `${prefix}-end-date`, name: 'endDate', type: 'date', required: true, class: 'wg-input wg-input--date', value: end.date });
  const endTime = input({ id: `${prefix}-end-time`, name: 'endTime', type: 'time', required: true, class: 'wg-input wg-input--short', value: end.time });
  startDate.addEventListener('change', () => {
    if (!endDate.value || endDate.value < startDate.value) endDate.value = startDate.value;
  });
  const mode = (value) => {
    const id = `${prefix}-mode-${value}`;
    const checked = session ? session.checkInMode === value : value === 'poster';
    return h(
      'label',
      { class: 'wg-choice', for: id },
      h('input', { type: 'radio', id, name: `${prefix}-mode`, value, checked, 'aria-describedby': `${id}-hint` }),
      h('span', { class: 'wg-choice__text' }, h('span', { text: t(`checkInMode.${value}`) }), h('span', { class: 'wg-choice__hint', id: `${id}-hint`, text: t(`new.mode.${value}.hint`) })),
    );
  };
  const showResults = h('input', { type: 'checkbox', id: `${prefix}-results`, name: 'showResults', checked: session ? session.showResults : true });
  const submit = h('button', { type: 'submit', class: 'wg-button', id: `${prefix}-save`, text: t(editing ? 'ws.save' : 'new.submit') });
  const form = h(
    'form',
    { class: 'wg-ws-form', novalidate: true, id: `${prefix}-form` },
    messages,
    field({ id: `${prefix}-venue`, label: t('new.venue'), hint: editing ? t('ws.sessions.venueFixed') : null, input: venue }),
    field({ id: `${prefix}-title`, label: t('new.sessionTitle'), hint: t('new.sessionTitleHint'), input: title }),
    h('p', { class: 'wg-hint', text: t('ws.sessions.zone') }),
    h(
      'div',
      { class: 'wg-form-grid' },
      field({ id: `${prefix}-start-date`, label: t('ws.sessions.startDate'), input: startDate }),
      field({ id: `${prefix}-start-time`, label: t('new.start'), input: startTime }),
      field({ id: `${prefix}-end-date`, label: t('ws.sessions.endDate'), input: endDate }),
      field({ id: `${prefix}-end-time`, label: t('new.end'), input: endTime }),
    ),
    h('fieldset', { class: 'wg-fieldset' }, h('legend', { class: 'wg-legend', text: t('new.mode') }), h('div', { class: 'wg-choices' }, mode('poster'), mode('rotating'))),
    h('div', { class: 'wg-field' }, h('label', { class: 'wg-check', for: `${prefix}-results` }, showResults, h('span', { text: t('new.showResults') }))),
    h('div', { class: 'wg-actions' }, submit, editing ? h('button', { type: 'button', class: 'wg-button wg-button--secondary', text: t('ws.cancel'), onclick: () => onDone(null) }) : null),
  );
  whenSubmitted(form, messages, async () => {
    const errors = [];
    if (!venue.value) errors.push([venue, t('new.error.venue')]);
    for (const [control, message] of [[startDate, t('new.error.date')], [startTime, t('new.error.time')], [endDate, t('new.error.date')], [endTime, t('new.error.time')]]) {
      if (!control.value) errors.push([control, message]);
    }
    let startsAt = null;
    let endsAt = null;
    if (!errors.length) {
      startsAt = amsterdamToIso(startDate.value, startTime.value);
      endsAt = amsterdamToIso(endDate.value, endTime.value);
      if (!(endsAt > startsAt)) errors.push([endTime, t('new.error.endAfterStart')]);
    }
    if (errors.length) {
      replace(messages, notice('error', t('new.error.summary'), { role: 'alert' }));
      showErrors(errors);
      return;
    }
    const body = {
      title: title.value.trim() || null,
      startsAt,
      endsAt,
      checkInMode: form.querySelector(`[name="${prefix}-mode"]:checked`).value,
      showResults: showResults.checked,
    };
    submit.disabled = true;
    const result = editing
      ? await wsApi(`/sessions/${session.id}`, { method: 'PATCH', body })
      : await wsApi(`/dialogues/${dialogue.id}/sessions`, { method: 'POST', body: { venueId: Number(venue.value), ...body } });
    submit.disabled = false;
    if (!result.ok) {
      if (result.status === 401) return;
      showRefusal(messages, result, { venueId: venue, title, startsAt: startTime, endsAt: endTime });
      return;
    }
    onDone(result.data);
  });
  return form;
}

function sessionCard({ dialogue, venues, session, redraw }) {
  const title = session.title || session.venue.name;
  const titleId = `wg-session-${session.id}-title`;
  const messages = h('div', { class: 'wg-session__messages' });
  const body = h('div');
  const show = () => {
    const actions = h('div', { class: 'wg-actions' });
    const described = { 'aria-describedby': titleId };
    if (session.status === 'planned') {
      const edit = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'edit' }, ...described, text: t('ws.sessions.edit') });
      edit.addEventListener('click', () => {
        replace(body, sessionForm({ dialogue, venues, session, onDone: (saved) => (saved ? redraw({ kind: 'success', text: t('ws.sessions.saved', { title: saved.title || saved.venue.name }) }) : (show(), focusElement(body.querySelector('[data-action=edit]')))) }));
        focusElement(body.querySelector('input'));
      });
      const cancel = h('button', { type: 'button', class: 'wg-button wg-button--subtle', dataset: { action: 'cancel' }, ...described, text: t('ws.sessions.cancel') });
      cancel.addEventListener('click', () => {
        const yes = h('button', { type: 'button', class: 'wg-button', dataset: { action: 'confirm-cancel' }, text: t('ws.sessions.cancelConfirm') });
        const no = h('button', { type: 'button', class: 'wg-button wg-button--secondary', text: t('ws.keep'), onclick: () => { replace(messages); focusElement(cancel); } });
        yes.addEventListener('click', async () => {
          const result = await wsApi(`/sessions/${session.id}`, { method: 'PATCH', body: { status: 'closed' } });
          if (!result.ok) {
            if (result.status !== 401) replace(messages, problemAlert(result));
            focusElement(messages.firstChild);
            return;
          }
          redraw({ kind: 'success', text: t('ws.sessions.cancelled', { title }) });
        });
        replace(messages, h('div', { class: 'wg-alert wg-alert--warning', role: 'group', 'aria-label': t('ws.sessions.cancelQuestion') }, icon('alert'), h('div', { class: 'wg-alert__body' }, h('p', { text: t('ws.sessions.cancelQuestion') }), h('div', { class: 'wg-actions' }, yes, no))));
        focusElement(yes);
      });
      actions.append(edit, cancel);
    }
    if (session.checkInMode === 'poster' && session.status !== 'closed') {
      const poster = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'poster' }, ...described }, icon('book'), h('span', { text: t('sessions.poster') }), h('span', { class: 'wg-visually-hidden', text: t('sessions.newTab') }));
      poster.addEventListener('click', () => openPoster(session, messages, poster));
      actions.append(poster);
    }
    actions.append(h('a', { class: 'wg-button wg-button--secondary', href: `/console/?dialogue=${dialogue.id}`, ...described, text: t('ws.sessions.console') }));
    const facts = [
      [t('session.venue'), `${session.venue.name} (${t(`venueKind.${session.venue.kind}`)})`],
      [t('session.time'), when(session)],
      [t('session.checkIn'), t(`checkInMode.${session.checkInMode}`)],
      [t('session.code'), session.checkInMode === 'poster' ? session.joinCode : t('session.codeRotating')],
    ];
    replace(body, h('dl', { class: 'wg-session__facts' }, facts.map(([term, value]) => h('div', null, h('dt', { text: term }), h('dd', { text: value })))), actions);
  };
  show();
  return h(
    'li',
    { class: `wg-session wg-session--${session.status}`, dataset: { session: session.id, status: session.status } },
    h('article', { 'aria-labelledby': titleId }, h('div', { class: 'wg-session__head' }, h('h3', { id: titleId, class: 'wg-session__title', text: title }), h('span', { class: `wg-status wg-status--${session.status}`, text: session.status === 'closed' && !session.openedAt ? t('ws.sessions.cancelledStatus') : t(`status.${session.status}`) })), body, messages),
  );
}

export async function renderSessions({ app, main, params, isCurrent }) {
  const place = app.municipality;
  const id = params[0];
  replace(main, heading(t('ws.sessions.title')), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const [dialogue, list, venues] = await Promise.all([wsApi(`/dialogues/${id}`), wsApi(`/dialogues/${id}/sessions`), wsApi(`/venues?municipality=${encodeURIComponent(place.cbsCode)}`)]);
  if (!isCurrent()) return;
  const flash = app.flashRegion();
  const failed = [dialogue, list, venues].find((r) => !r.ok);
  if (failed) {
    replace(main, heading(t('ws.sessions.title')), flash, problemAlert(failed));
    return;
  }
  const redraw = (message) => app.navigate(`dialogues/${id}/sessions`, { message });
  const sorted = [...venues.data].sort((a, b) => a.name.localeCompare(b.name));
  const order = { open: 0, planned: 1, closed: 2 };
  const sessions = [...list.data].sort((a, b) => order[a.status] - order[b.status] || String(a.startsAt).localeCompare(String(b.startsAt)));
  const planning = sorted.length
    ? sessionForm({ dialogue: dialogue.data, venues: sorted, session: null, onDone: (made) => redraw({ kind: 'success', text: t('new.created', { title: made.title || made.venue.name, code: made.joinCode }) }) })
    : h('p', null, t('ws.sessions.noVenues'), ' ', h('a', { href: '#/venues', text: t('ws.sessions.addVenue') }));
  replace(
    main,
    heading(t('ws.sessions.titleOf', { title: dialogue.data.title })),
    flash,
    h('p', { class: 'wg-lead', text: t('sessions.period', { from: fmt.date(dialogue.data.startsOn), to: fmt.date(dialogue.data.endsOn) }) }),
    h('p', null, h('a', { href: '#/dialogues', text: t('ws.back.dialogues') })),
    h('h2', { text: t('ws.sessions.listTitle') }),
    sessions.length
      ? h('ul', { class: 'wg-sessions', id: 'wg-sessions', 'aria-label': t('sessions.listLabel', { dialogue: dialogue.data.title }) }, sessions.map((session) => sessionCard({ dialogue: dialogue.data, venues: sorted, session, redraw })))
      : h('p', { text: t('ws.sessions.none') }),
    h('section', { class: 'wg-panel', 'aria-labelledby': 'wg-plan-title' }, h('h2', { id: 'wg-plan-title', text: t('new.title') }), planning),
  );
}
