/** Plan a new session of the dialogue: venue, title, date and times, check-in mode, results. */
import { h, replace, focusElement, uid } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { staffApi } from '../../js/staff/auth.js';
import { backToDialogue, heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { amsterdamMoment, amsterdamToday } from '../../js/staff/format.js';

function field({ id, label, hint, input }) {
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'wg-field', dataset: { field: id } },
    h('label', { class: 'wg-label', for: id, text: label }),
    hint ? h('span', { class: 'wg-hint', id: hintId, text: hint }) : null,
    h('span', { class: 'wg-error-message', id: `${id}-error`, hidden: true }),
    input,
  );
}

function setError(form, name, message) {
  const input = form.querySelector(`[name="${name}"]`);
  const error = form.querySelector(`#${input.id}-error`);
  input.setAttribute('aria-invalid', 'true');
  const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  if (!described.includes(error.id)) input.setAttribute('aria-describedby', [error.id, ...described].join(' '));
  error.textContent = message;
  error.hidden = false;
  error.closest('.wg-field').classList.add('wg-field--error');
}

function clearErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  for (const error of form.querySelectorAll('.wg-error-message')) {
    error.hidden = true;
    error.textContent = '';
  }
  for (const f of form.querySelectorAll('.wg-field--error')) f.classList.remove('wg-field--error');
}

export async function renderNewSession({ app, main, dialogue, isCurrent }) {
  replace(main, heading(t('new.title')), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const venues = await staffApi(`/municipalities/${encodeURIComponent(dialogue.municipality)}/venues`);
  if (!isCurrent()) return;
  const back = backToDialogue(app, dialogue.id, t('new.cancel'));
  if (!venues.ok) {
    replace(main, heading(t('new.title')), problemAlert(venues), back);
    return;
  }
  if (!venues.data.length) {
    replace(main, heading(t('new.title')), notice('warning', t('new.noVenues')), back);
    return;
  }
  const messages = h('div', { class: 'wg-form-messages' });
  const venue = h(
    'select',
    { class: 'wg-select', id: 'wg-venue', name: 'venueId', required: true },
    h('option', { value: '', text: t('new.venueChoose') }),
    [...venues.data].sort((a, b) => a.name.localeCompare(b.name)).map((v) => h('option', { value: String(v.id), text: `${v.name} (${t(`venueKind.${v.kind}`)})` })),
  );
  const title = h('input', { class: 'wg-input', id: 'wg-title', name: 'title', type: 'text', maxlength: '160', autocomplete: 'off' });
  const date = h('input', { class: 'wg-input wg-input--date', id: 'wg-date', name: 'date', type: 'date', required: true, 'aria-describedby': 'wg-time-zone', value: amsterdamToday() });
  const start = h('input', { class: 'wg-input wg-input--short', id: 'wg-start', name: 'startTime', type: 'time', required: true, 'aria-describedby': 'wg-time-zone', value: '19:00' });
  const end = h('input', { class: 'wg-input wg-input--short', id: 'wg-end', name: 'endTime', type: 'time', required: true, 'aria-describedby': 'wg-time-zone', value: '21:00' });
  const zoneHint = h('p', { class: 'wg-hint', id: 'wg-time-zone', text: t('new.timeZone') });
  const modeName = uid('mode');
  const mode = (value, checked) => {
    const id = `wg-mode-${value}`;
    return h(
      'label',
      { class: 'wg-choice', for: id },
      h('input', { type: 'radio', id, name: 'checkInMode', value, checked, 'aria-describedby': `${id}-hint` }),
      h('span', { class: 'wg-choice__text' }, h('span', { text: t(`checkInMode.${value}`) }), h('span', { class: 'wg-choice__hint', id: `${id}-hint`, text: t(`new.mode.${value}.hint`) })),
    );
  };
  const showResults = h('input', { type: 'checkbox', id: 'wg-show-results', name: 'showResults', checked: true });
  const submit = h('button', { type: 'submit', class: 'wg-button', id: 'wg-create' }, t('new.submit'));
  const form = h(
    'form',
    { class: 'wg-panel wg-new-session', novalidate: true, id: 'wg-new-session-form' },
    messages,
    field({ id: 'wg-venue', label: t('new.venue'), input: venue }),
    field({ id: 'wg-title', label: t('new.sessionTitle'), hint: t('new.sessionTitleHint'), input: title }),
    h(
      'div',
      { class: 'wg-form-grid' },
      field({ id: 'wg-date', label: t('new.date'), input: date }),
      field({ id: 'wg-start', label: t('new.start'), input: start }),
      field({ id: 'wg-end', label: t('new.end'), input: end }),
    ),
    zoneHint,
    h(
      'fieldset',
      { class: 'wg-fieldset', id: modeName },
      h('legend', { class: 'wg-legend', text: t('new.mode') }),
      h('div', { class: 'wg-choices' }, mode('poster', true), mode('rotating', false)),
    ),
    h('div', { class: 'wg-field' }, h('label', { class: 'wg-check', for: 'wg-show-results' }, showResults, h('span', { text: t('new.showResults') }))),
    h('div', { class: 'wg-actions' }, submit, back),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    replace(messages);
    const errors = [];
    if (!venue.value) errors.push(['venueId', t('new.error.venue')]);
    if (!date.value) errors.push(['date', t('new.error.date')]);
    if (!start.value) errors.push(['startTime', t('new.error.time')]);
    if (!end.value) errors.push(['endTime', t('new.error.time')]);
    const complete = date.value && start.value && end.value;
    const startsAt = complete && amsterdamMoment(date.value, start.value);
    const endsAt = complete && amsterdamMoment(date.value, end.value);
    if (complete && !(endsAt > startsAt)) errors.push(['endTime', t('new.error.endAfterStart')]);
    else if (complete && endsAt <= Date.now()) errors.push(['date', t('new.error.past')]);
    if (errors.length) {
      for (const [name, message] of errors) setError(form, name, message);
      replace(messages, notice('error', t('new.error.summary'), { role: 'alert' }));
      focusElement(form.querySelector('[aria-invalid="true"]'));
      return;
    }
    submit.disabled = true;
    const result = await staffApi(`/dialogues/${dialogue.id}/sessions`, {
      method: 'POST',
      body: {
        venueId: Number(venue.value),
        title: title.value.trim() || null,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        checkInMode: form.querySelector('[name="checkInMode"]:checked').value,
        showResults: showResults.checked,
      },
    });
    submit.disabled = false;
    if (!result.ok) {
      if (result.status === 401) return;
      const fieldNames = { venueId: 'venueId', title: 'title', startsAt: 'startTime', endsAt: 'endTime' };
      for (const p of (result.problem && result.problem.invalidParams) || []) {
        const name = fieldNames[String(p.name).split('.').pop()];
        if (name) setError(form, name, p.reason);
      }
      replace(messages, problemAlert(result));
      focusElement(messages.firstChild);
      return;
    }
    const made = result.data;
    app.navigate({ dialogue: String(dialogue.id) }, { message: { kind: 'success', text: t('new.created', { title: made.title || made.venue.name, code: made.joinCode }) } });
  });
  replace(main, heading(t('new.title')), h('p', { class: 'wg-lead', text: t('new.intro', { dialogue: dialogue.title }) }), form);
}
