/**
 * Reporting back (step 10, Omgevingswet): per priority a decision (adopted, partly, not
 * adopted) and the reason, with the agenda items that follow from it; saved as a draft, then
 * published once the dialogue has ended and every priority has a response. Links to the
 * public page /d/{id} and the participation report.
 */
import { h, replace, focusElement } from '../../js/dom.js';
import { t, language } from '../../js/i18n.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { downloadFile } from '../../js/staff/download.js';
import { kindOf } from '../../js/api.js';
import * as fmt from '../../js/staff/format.js';
import { wsApi, field, textarea, clearErrors, showErrors, setError, amsterdamToday } from './common.js';

const DECISIONS = ['adopted', 'partly', 'notAdopted'];
const REPORT = (id) => `/dialogues/${id}/participation-report`;

function responseFieldset(priority, saved, agendaItems) {
  const base = `wg-rb-${priority.id}`;
  const reason = textarea({ id: `${base}-reason`, name: 'reason', maxlength: '2000', rows: '4', value: saved ? saved.reason || '' : '' });
  const en = textarea({ id: `${base}-reason-en`, lang: 'en', maxlength: '2000', rows: '3', value: (saved && saved.translations && saved.translations.en && saved.translations.en.reason) || '' });
  const decisionGroup = h(
    'div',
    { class: 'wg-checks wg-field', role: 'radiogroup', id: `${base}-decision`, tabindex: '-1', 'aria-labelledby': `${base}-decision-label`, 'aria-describedby': `${base}-decision-error`, dataset: { field: `${base}-decision` } },
    h('span', { class: 'wg-label', id: `${base}-decision-label`, text: t('ws.rb.decision') }),
    h('span', { class: 'wg-error-message', id: `${base}-decision-error`, hidden: true }),
    DECISIONS.map((key) =>
      h('label', { class: 'wg-check' }, h('input', { type: 'radio', name: `${base}-decision`, value: key, checked: saved ? saved.decision === key : false }), h('span', { text: t(`ws.rb.decisionValue.${key}`) })),
    ),
  );
  const items = agendaItems.filter((item) => item.priorityIds.includes(priority.id));
  return {
    priority,
    reason,
    en,
    decisionGroup,
    decision: () => decisionGroup.querySelector('input:checked')?.value || null,
    element: h(
      'div',
      { class: 'wg-panel wg-rb-response', dataset: { priority: priority.id } },
      h(
        'fieldset',
        { class: 'wg-fieldset' },
        h('legend', { class: 'wg-legend', text: priority.title }),
        priority.description ? h('p', { class: 'wg-hint', text: priority.description }) : null,
        decisionGroup,
        field({ id: `${base}-reason`, label: t('ws.rb.reason'), hint: t('ws.rb.reasonHint'), input: reason }),
        field({ id: `${base}-reason-en`, label: t('ws.rb.reasonEn'), input: en }),
        h(
          'p',
          { class: 'wg-rb-items' },
          items.length ? t('ws.rb.items', { titles: items.map((i) => `${i.title} (${t(`ws.agenda.status.${i.status}`)})`).join('; ') }) : t('ws.rb.noItems'),
        ),
      ),
    ),
  };
}

function statusLine(report) {
  if (report && report.published) return notice('success', t('ws.rb.publishedOn', { date: fmt.dateTime(report.publishedAt) }), { role: null });
  return notice('info', t('ws.rb.draft'), { role: null });
}

/** A 409 in words the coordinator can act on. */
function conflictMessage(result, { dialogue }) {
  const kind = kindOf(result.problem);
  let help;
  if (kind === 'report-back-incomplete') help = t('ws.rb.conflict.incompleteServer');
  else if (kind === 'dialogue-not-ended' || dialogue.endsOn >= amsterdamToday()) help = t('ws.rb.conflict.notEnded', { date: fmt.date(dialogue.endsOn) });
  else help = t('ws.rb.conflict.other');
  return h('div', { id: 'wg-rb-conflict' }, problemAlert(result), notice('info', help, { role: null }));
}

function links(id, report) {
  const lang = language();
  const draftButtons = ['html', 'pdf'].map((format) => {
    const button = h('button', { type: 'button', class: 'wg-button wg-button--secondary', id: `wg-rb-report-${format}`, text: t(`ws.rb.download.${format}`) });
    button.addEventListener('click', async () => {
      const result = await downloadFile(`${REPORT(id)}?lang=${lang}${format === 'pdf' ? '&format=pdf' : ''}`, {
        accept: format === 'pdf' ? 'application/pdf' : 'text/html',
        fallbackName: `participatieverslag-${id}.${format}`,
      });
      if (!result.ok && result.status !== 401) replace(downloadMessages, problemAlert(result, { role: null }));
      else if (result.ok) replace(downloadMessages, notice('success', t('ws.rb.downloaded', { name: result.filename })));
    });
    return button;
  });
  const downloadMessages = h('div', { class: 'wg-form-messages', role: 'status' });
  return h(
    'section',
    { class: 'wg-panel', id: 'wg-rb-links', 'aria-labelledby': 'wg-rb-links-title' },
    h('h2', { id: 'wg-rb-links-title', text: t('ws.rb.linksTitle') }),
    h(
      'ul',
      null,
      h('li', null, h('a', { href: `/d/${id}`, id: 'wg-rb-public', text: t('ws.rb.publicPage') }), ' ', h('span', { class: 'wg-hint', text: t(report && report.published ? 'ws.rb.publicShown' : 'ws.rb.publicHidden') })),
      h('li', null, h('a', { href: `/api/v1${REPORT(id)}?lang=${lang}`, id: 'wg-rb-report', text: t('ws.rb.report') }), ' ', h('span', { class: 'wg-hint', text: t(report && report.published ? 'ws.rb.reportPublic' : 'ws.rb.reportDraft') })),
    ),
    h('div', { class: 'wg-actions' }, draftButtons),
    downloadMessages,
  );
}

export async function renderReportBack({ app, main, params, isCurrent }) {
  const id = params[0];
  replace(main, heading(t('ws.rb.title')), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const [dialogue, report, agenda] = await Promise.all([wsApi(`/dialogues/${id}`), wsApi(`/dialogues/${id}/report-back?lang=nl`), wsApi(`/dialogues/${id}/agenda?lang=nl`)]);
  if (!isCurrent()) return;
  const failed = [dialogue, report].find((r) => !r.ok && r.status !== 404);
  if (failed) {
    replace(main, heading(t('ws.rb.title')), problemAlert(failed));
    return;
  }
  let current = report.ok ? report.data : null;
  const saved = new Map(((current && current.responses) || []).map((r) => [r.priorityId, r]));
  const priorities = [...dialogue.data.priorities].sort((a, b) => a.position - b.position);
  const fieldsets = priorities.map((p) => responseFieldset(p, saved.get(p.id), agenda.ok ? agenda.data.items : []));
  const status = h('div', { id: 'wg-rb-status' }, statusLine(current));
  const messages = h('div', { class: 'wg-form-messages', id: 'wg-rb-messages' });
  const saveDraft = h('button', { type: 'submit', class: 'wg-button wg-button--secondary', id: 'wg-rb-save', value: 'draft', text: t('ws.rb.saveDraft') });
  const publish = h('button', { type: 'submit', class: 'wg-button', id: 'wg-rb-publish', value: 'publish', text: t('ws.rb.publish') });
  const withdraw = h('button', { type: 'submit', class: 'wg-button wg-button--subtle', id: 'wg-rb-withdraw', value: 'withdraw', text: t('ws.rb.withdraw') });
  const linkHolder = h('div', null, links(id, current));
  const drawButtons = () => {
    saveDraft.textContent = t(current && current.published ? 'ws.rb.savePublished' : 'ws.rb.saveDraft');
    publish.hidden = Boolean(current && current.published);
    withdraw.hidden = !(current && current.published);
  };
  drawButtons();
  const form = h(
    'form',
    { class: 'wg-ws-form', novalidate: true, id: 'wg-rb-form' },
    fieldsets.map((f) => f.element),
    messages,
    h('div', { class: 'wg-actions' }, saveDraft, publish, withdraw),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const action = event.submitter ? event.submitter.value : 'draft';
    const published = action === 'publish' || (action === 'draft' && Boolean(current && current.published));
    clearErrors(form);
    for (const f of fieldsets) f.decisionGroup.classList.remove('wg-field--error');
    replace(messages);
    const answered = fieldsets.filter((f) => f.decision() || f.reason.value.trim());
    const errors = [];
    const missing = [];
    for (const f of fieldsets) {
      const isAnswered = answered.includes(f);
      if (!isAnswered && !published) continue;
      if (!f.decision()) {
        errors.push([f.decisionGroup, t('ws.rb.chooseDecision')]);
        missing.push(f.priority);
      }
      if (!f.reason.value.trim()) {
        errors.push([f.reason, t('ws.rb.giveReason')]);
        if (!missing.includes(f.priority)) missing.push(f.priority);
      }
    }
    if (errors.length) {
      replace(messages, notice('error', published ? t('ws.rb.conflict.incomplete', { titles: missing.map((p) => p.title).join('; ') }) : t('ws.error.summary'), { role: 'alert' }));
      for (const [control, message] of errors) setError(control, message);
      focusElement(errors[0][0].matches('[role=radiogroup]') ? errors[0][0].querySelector('input') : errors[0][0]);
      return;
    }
    const body = {
      published,
      responses: answered.map((f) => {
        const response = { priorityId: f.priority.id, decision: f.decision(), reason: f.reason.value.trim() };
        if (f.en.value.trim()) response.translations = { en: { reason: f.en.value.trim() } };
        return response;
      }),
    };
    for (const button of [saveDraft, publish, withdraw]) button.disabled = true;
    const result = await wsApi(`/dialogues/${id}/report-back`, { method: 'PUT', body });
    for (const button of [saveDraft, publish, withdraw]) button.disabled = false;
    if (!result.ok) {
      if (result.status === 401) return;
      replace(messages, result.status === 409 ? conflictMessage(result, { dialogue: dialogue.data }) : problemAlert(result));
      focusElement(messages.querySelector('.wg-alert'));
      return;
    }
    current = result.data;
    drawButtons();
    replace(status, statusLine(current));
    replace(linkHolder, links(id, current));
    const key = action === 'publish' ? 'ws.rb.published' : action === 'withdraw' ? 'ws.rb.withdrawn' : 'ws.rb.saved';
    replace(messages, notice('success', t(key), { role: 'status' }));
    focusElement(messages.firstChild);
  });
  replace(
    main,
    heading(t('ws.rb.titleOf', { title: dialogue.data.title })),
    app.flashRegion(),
    h('p', { class: 'wg-lead', text: t('ws.rb.intro') }),
    h('p', { class: 'wg-links' }, h('a', { href: '#/dialogues', text: t('ws.back.dialogues') }), ' · ', h('a', { href: `#/dialogues/${id}/agenda`, text: t('ws.rb.toAgenda') })),
    status,
    dialogue.data.endsOn >= amsterdamToday() ? notice('info', t('ws.rb.notEndedYet', { date: fmt.date(dialogue.data.endsOn) }), { role: null }) : null,
    form,
    linkHolder,
  );
}
