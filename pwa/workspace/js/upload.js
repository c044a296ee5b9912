/**
 * Uploading CBS files with a visible progress bar (fetch reports no upload progress, so this
 * uses XMLHttpRequest), and a refused file shown with the row the API names.
 */
import { h, replace, focusElement } from '../../js/dom.js';
import { t, language } from '../../js/i18n.js';
import { API_BASE } from '../../js/api.js';
import { token, expired } from '../../js/staff/auth.js';
import { problemAlert } from '../../js/staff/problems.js';
import { showErrors, whenSubmitted } from './common.js';

function parse(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * POST a FormData to the API, reporting progress to `progress` (a <progress> element and a
 * status text). Resolves to {ok, status, data, problem, language}.
 */
function uploadWithProgress(path, body, { progress, status }) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', API_BASE + path);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Accept-Language', language());
    xhr.setRequestHeader('Authorization', `Bearer ${token()}`);
    const show = (done, total) => {
      if (total) {
        progress.max = total;
        progress.value = done;
      } else progress.removeAttribute('value');
    };
    progress.hidden = false;
    show(0, 0);
    if (status) status.textContent = t('ws.upload.sending');
    xhr.upload.addEventListener('progress', (event) => {
      show(event.loaded, event.lengthComputable ? event.total : 0);
      if (status && event.lengthComputable) status.textContent = t('ws.upload.sent', { percent: Math.round((100 * event.loaded) / event.total) });
    });
    xhr.upload.addEventListener('load', () => {
      progress.removeAttribute('value'); // sent: the server is reading the files now
      if (status) status.textContent = t('ws.upload.reading');
    });
    const finish = (result) => {
      progress.hidden = true;
      if (status) status.textContent = '';
      if (result.status === 401) expired(result);
      resolve(result);
    };
    xhr.addEventListener('load', () => {
      const payload = parse(xhr.responseText);
      const ok = xhr.status >= 200 && xhr.status < 300;
      const contentLanguage = (xhr.getResponseHeader('content-language') || '').split(',')[0].trim() || null;
      const problem = ok ? null : { ...(payload || { title: xhr.statusText, detail: '' }), contentLanguage };
      finish({ ok, status: xhr.status, data: ok ? payload : null, problem, language: contentLanguage });
    });
    const failed = () => finish({ ok: false, status: 0, data: null, problem: { title: 'Network error', status: 0, detail: t('ws.upload.network') } });
    xhr.addEventListener('error', failed);
    xhr.addEventListener('abort', failed);
    xhr.send(body);
  });
}

/** The progress bar and its spoken status, for one upload form. */
function progressParts(id) {
  const progress = h('progress', { class: 'wg-upload-progress', id: `${id}-progress`, 'aria-label': t('ws.upload.progress'), hidden: true });
  const status = h('p', { class: 'wg-hint', id: `${id}-status`, role: 'status' });
  return { progress, status };
}

/** A refused file: the title, the API's words (naming the row) and each reason by field. */
function refusedFile(result, { id, title }) {
  if (result.status !== 400 && result.status !== 422 && result.status !== 413) return problemAlert(result, { id });
  const problem = result.problem || {};
  const params = Array.isArray(problem.invalidParams) ? problem.invalidParams : [];
  const lang = result.language || problem.contentLanguage || null;
  return h(
    'div',
    { class: 'wg-alert wg-alert--error wg-problem', role: 'alert', id, tabindex: '-1' },
    h(
      'div',
      { class: 'wg-alert__body' },
      h('strong', { class: 'wg-alert__title', text: title }),
      problem.detail ? h('p', { lang, class: 'wg-problem__detail', text: problem.detail }) : null,
      params.length ? h('ul', { class: 'wg-bad-rows', lang }, params.map((p) => h('li', null, h('strong', { text: `${p.name}: ` }), p.reason))) : null,
      h('p', { class: 'wg-hint', text: t('ws.upload.fixAndRetry') }),
    ),
  );
}

/**
 * A panel with a form that uploads files, showing its progress. Its parts are named after
 * `prefix` (-form, -import, -progress, -messages, -problem, -imported). check() gives the
 * fields' errors ([[control, message]]); request() the address and the FormData to send; a
 * refused file is shown under the title `refused`; imported(report) gives the success
 * notice's title and lines; then the file fields are emptied and after(report) runs.
 */
export function uploadForm({ prefix, title, intro, fields, submitText, check, request, refused, imported, after }) {
  const submit = h('button', { type: 'submit', class: 'wg-button', id: `${prefix}-import`, text: submitText });
  const { progress, status } = progressParts(prefix);
  const messages = h('div', { class: 'wg-form-messages', id: `${prefix}-messages` });
  const form = h(
    'form',
    { class: 'wg-panel wg-ws-form', novalidate: true, id: `${prefix}-form`, 'aria-labelledby': `${prefix}-form-title` },
    h('h2', { id: `${prefix}-form-title`, text: title }),
    h('p', { text: intro }),
    fields,
    h('div', { class: 'wg-actions' }, submit),
    progress,
    status,
    messages,
  );
  whenSubmitted(form, messages, async () => {
    const errors = check();
    if (errors.length) return showErrors(errors);
    const [path, body] = request();
    submit.disabled = true;
    const result = await uploadWithProgress(path, body, { progress, status });
    submit.disabled = false;
    if (!result.ok) {
      if (result.status === 401) return;
      replace(messages, refusedFile(result, { id: `${prefix}-problem`, title: refused }));
      focusElement(messages.firstChild);
      return;
    }
    const [summary, ...lines] = imported(result.data);
    replace(
      messages,
      h(
        'div',
        { class: 'wg-alert wg-alert--success', role: 'status', id: `${prefix}-imported` },
        h('div', { class: 'wg-alert__body' }, h('strong', { class: 'wg-alert__title', text: summary }), lines),
      ),
    );
    for (const file of form.querySelectorAll('input[type=file]')) file.value = '';
    await after(result.data);
  });
  return form;
}
