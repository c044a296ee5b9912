/**
 * What every workspace page uses: API calls in the person's language, form fields with their
 * error messages, and times in Europe/Amsterdam (the municipality's zone, not the browser's).
 */
import { h, replace, focusElement } from '../../js/dom.js';
import { language } from '../../js/i18n.js';
import { readResponse, API_BASE } from '../../js/api.js';
import { staffApi, token, expired } from '../../js/staff/auth.js';
import { problemAlert } from '../../js/staff/problems.js';

/** staffApi with Accept-Language, so the API's messages come in the person's language. */
export function wsApi(path, options = {}) {
  return staffApi(path, { ...options, headers: { 'Accept-Language': language(), ...(options.headers || {}) } });
}

/** Send a file or raw bytes (multipart FormData or a Blob); resolves like wsApi, plus `language`. */
export async function sendBody(path, { method = 'POST', body, contentType } = {}) {
  const headers = { Accept: 'application/json, application/problem+json', 'Accept-Language': language(), Authorization: `Bearer ${token()}` };
  if (contentType) headers['Content-Type'] = contentType;
  let response;
  try {
    response = await fetch(API_BASE + path, { method, headers, body, credentials: 'omit', cache: 'no-store' });
  } catch (error) {
    return { ok: false, status: 0, data: null, problem: { title: 'Network error', status: 0, detail: String(error) } };
  }
  const result = await readResponse(response);
  result.language = (response.headers.get('content-language') || '').split(',')[0].trim() || null;
  if (result.status === 401) expired(result);
  return result;
}

/** A labelled field: label, optional hint, error slot, the control. */
export function field({ id, label, hint, input, wide = false }) {
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  if (!input.id) input.id = id;
  return h(
    'div',
    { class: ['wg-field', wide ? 'wg-field--wide' : ''], dataset: { field: id } },
    h('label', { class: 'wg-label', for: id, text: label }),
    hint ? h('span', { class: 'wg-hint', id: hintId, text: hint }) : null,
    h('span', { class: 'wg-error-message', id: `${id}-error`, hidden: true }),
    input,
  );
}

export function input(attrs) {
  return h('input', { class: 'wg-input', type: 'text', autocomplete: 'off', ...attrs });
}

export function textarea(attrs) {
  return h('textarea', { class: 'wg-textarea', rows: '3', ...attrs });
}

/** Mark a control as wrong, with the message read with it. */
export function setError(control, message) {
  const error = document.getElementById(`${control.id}-error`);
  control.setAttribute('aria-invalid', 'true');
  if (!error) return;
  const described = (control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  if (!described.includes(error.id)) control.setAttribute('aria-describedby', [error.id, ...described].join(' '));
  error.textContent = message;
  error.hidden = false;
  error.closest('.wg-field')?.classList.add('wg-field--error');
}

export function clearErrors(root) {
  for (const control of root.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  for (const error of root.querySelectorAll('.wg-error-message')) {
    error.hidden = true;
    error.textContent = '';
  }
  for (const f of root.querySelectorAll('.wg-field--error')) f.classList.remove('wg-field--error');
}

/** Handle a form's submission in the page: earlier errors and messages go first. */
export function whenSubmitted(form, messages, handle) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    replace(messages);
    return handle();
  });
}

/** Show field errors; focus the first wrong control. errors: [[control, message], …]. */
export function showErrors(errors) {
  for (const [control, message] of errors) setError(control, message);
  if (errors.length) focusElement(errors[0][0]);
}

/** The API's reasons per field (invalidParams), as [[name, reason]]. */
function invalidParams(result) {
  const params = (result && result.problem && result.problem.invalidParams) || [];
  return params.map((p) => [String(p.name || ''), String(p.reason || '')]);
}

/**
 * A form the API refused: its problem in `messages`, and each reason it gives for a field at
 * that field's control (the first is focused; with none, the problem is). `controls` maps the
 * last part of a field's name to its control, or is a function (name, reason) → control.
 */
export function showRefusal(messages, result, controls) {
  const controlFor = typeof controls === 'function' ? controls : (name) => controls[name.split('.').pop()];
  replace(messages, problemAlert(result));
  const found = invalidParams(result)
    .map(([name, reason]) => [controlFor(name, reason), reason])
    .filter(([control]) => control);
  if (found.length) showErrors(found);
  else focusElement(messages.firstChild);
}

/* ---------- Europe/Amsterdam ---------- */

const ZONE = 'Europe/Amsterdam';
const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A moment as its Amsterdam wall clock: {date: 'yyyy-mm-dd', time: 'hh:mm'}. */
export function amsterdamParts(moment) {
  const p = Object.fromEntries(parts.formatToParts(new Date(moment)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, seconds: p.second };
}

function offsetAt(ms) {
  const { date, time, seconds } = amsterdamParts(ms);
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return Date.UTC(y, m - 1, d, hh, mm, Number(seconds)) - Math.floor(ms / 1000) * 1000;
}

/** An Amsterdam wall-clock date and time ('2027-03-01', '19:00') as an ISO moment (UTC). */
export function amsterdamToIso(date, time) {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let moment = wall - offsetAt(wall);
  moment = wall - offsetAt(moment); // a second pass gets the DST changeover right
  return new Date(moment).toISOString();
}

/** Today in Amsterdam as yyyy-mm-dd. */
export function amsterdamToday() {
  return amsterdamParts(Date.now()).date;
}
