/**
 * Pledge follow-up: what residents offered in a dialogue, with contact details only where
 * they agreed to be contacted; mark each as contacted or taken up; download as CSV.
 */
import { h, replace, focusElement, announce } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { icon } from '../../js/icons.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { dataTable } from '../../js/staff/data-table.js';
import { downloadFile } from '../../js/staff/download.js';
import * as fmt from '../../js/staff/format.js';
import { wsApi } from './common.js';

const STATUSES = ['new', 'contacted', 'takenUp'];

function statusControl({ pledge, label, onChange }) {
  const id = `wg-pledge-${pledge.id}-status`;
  const select = h(
    'select',
    { class: 'wg-select wg-pledge__status', id, name: 'status', 'aria-label': t('ws.pledges.statusOf', { what: label }) },
    STATUSES.map((s) => h('option', { value: s, selected: pledge.status === s, text: t(`ws.pledges.status.${s}`) })),
  );
  const save = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'save-status' }, 'aria-label': t('ws.pledges.saveStatusOf', { what: label }), text: t('ws.pledges.saveStatus') });
  save.addEventListener('click', () => onChange(select.value, save));
  return h('div', { class: 'wg-pledge__status-row' }, select, save);
}

/** The agenda item a pledge contributes to; a pledge with contact details stays unlinked. */
function agendaControl({ pledge, label, items, onLink }) {
  if (pledge.contact) return h('span', { class: 'wg-muted', text: t('ws.pledges.agendaApart') });
  const id = `wg-pledge-${pledge.id}-agenda`;
  const select = h(
    'select',
    { class: 'wg-select', id, name: 'agendaItemId', 'aria-label': t('ws.pledges.agendaOf', { what: label }) },
    h('option', { value: '', text: t('ws.pledges.agendaNone') }),
    items.map((item) => h('option', { value: String(item.id), selected: pledge.agendaItemId === item.id, text: item.title })),
  );
  const save = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'save-agenda' }, 'aria-label': t('ws.pledges.saveAgendaOf', { what: label }), text: t('ws.pledges.saveAgenda') });
  save.addEventListener('click', () => onLink(select.value ? Number(select.value) : null, save));
  return h('div', { class: 'wg-pledge__status-row' }, select, save);
}

export async function renderPledges({ app, main, params, isCurrent }) {
  const id = params[0];
  replace(main, heading(t('ws.pledges.title')), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const [dialogue, pledges, agenda] = await Promise.all([wsApi(`/dialogues/${id}`), wsApi(`/dialogues/${id}/pledges`), wsApi(`/dialogues/${id}/agenda?lang=nl`)]);
  if (!isCurrent()) return;
  const flash = app.flashRegion();
  const failed = [dialogue, pledges].find((r) => !r.ok);
  if (failed) {
    replace(main, heading(t('ws.pledges.title')), flash, problemAlert(failed));
    return;
  }
  const priorities = new Map(dialogue.data.priorities.map((p) => [p.id, p.title]));
  const agendaItems = agenda.ok ? agenda.data.items : [];
  const messages = h('div', { class: 'wg-form-messages', role: 'status' });
  const download = h('button', { type: 'button', class: 'wg-button wg-button--secondary', id: 'wg-pledges-csv' }, icon('down'), h('span', { text: t('ws.pledges.csv') }));
  download.addEventListener('click', async () => {
    const result = await downloadFile(`/dialogues/${id}/pledges?format=csv`, { accept: 'text/csv', fallbackName: `toezeggingen-${id}.csv` });
    if (!result.ok) {
      if (result.status !== 401) replace(messages, problemAlert(result, { role: null }));
      return;
    }
    replace(messages, notice('success', t('ws.pledges.downloaded', { name: result.filename })));
  });
  const rows = pledges.data.map((pledge, index) => {
    const label = t('ws.pledges.number', { number: index + 1 });
    // The pledge as saved with `changes`; null once a refusal is shown (focus back on `button`).
    const save = async (changes, button) => {
      const result = await wsApi(`/pledges/${encodeURIComponent(pledge.id)}`, { method: 'PATCH', body: changes });
      if (result.ok) return result.data;
      if (result.status !== 401) replace(messages, problemAlert(result, { role: null }));
      focusElement(button);
      return null;
    };
    const saved = (text) => {
      announce(text);
      replace(messages, notice('success', text));
    };
    const onChange = async (status, button) => {
      const data = await save({ status }, button);
      if (!data) return;
      pledge.status = data.status || status;
      row.dataset.status = pledge.status;
      saved(t('ws.pledges.statusSaved', { what: label, status: t(`ws.pledges.status.${pledge.status}`) }));
    };
    const onLink = async (agendaItemId, button) => {
      const data = await save({ agendaItemId }, button);
      if (!data) return;
      pledge.agendaItemId = data.agendaItemId ?? null;
      const item = agendaItems.find((i) => i.id === pledge.agendaItemId);
      saved(item ? t('ws.pledges.agendaLinked', { what: label, title: item.title }) : t('ws.pledges.agendaUnlinked', { what: label }));
    };
    const row = h(
      'tr',
      { dataset: { pledge: pledge.id, status: pledge.status } },
      h('th', { scope: 'row', text: label }),
      h('td', { class: 'wg-pledge__text', text: pledge.text || '–' }),
      h('td', { text: pledge.kind ? t(`ws.pledges.kind.${pledge.kind}`) : '–' }),
      h('td', { text: pledge.priorityId ? priorities.get(pledge.priorityId) || '–' : '–' }),
      h('td', { class: 'wg-num', text: pledge.hoursPerMonth == null ? '–' : fmt.hours(Number(pledge.hoursPerMonth)) }),
      h('td', { class: 'wg-pledge__contact' }, pledge.contact ? h('span', { text: pledge.contact }) : h('span', { class: 'wg-muted', text: t('ws.pledges.noContact') })),
      h('td', null, statusControl({ pledge, label, onChange })),
      agendaItems.length ? h('td', null, agendaControl({ pledge, label, items: agendaItems, onLink })) : null,
    );
    return row;
  });
  const withContact = pledges.data.filter((p) => p.contact).length;
  replace(
    main,
    heading(t('ws.pledges.titleOf', { title: dialogue.data.title })),
    flash,
    h('p', { class: 'wg-lead', text: t('ws.pledges.intro') }),
    h('p', null, h('a', { href: '#/dialogues', text: t('ws.back.dialogues') })),
    h('p', { id: 'wg-pledges-summary', text: t('ws.pledges.summary', { count: pledges.data.length, contacts: withContact }) }),
    h('div', { class: 'wg-actions' }, download),
    messages,
    rows.length
      ? dataTable({
          caption: t('ws.pledges.caption', { title: dialogue.data.title }),
          id: 'wg-pledges',
          columns: ['number', 'text', 'kind', 'priority', 'hours', 'contact', 'status', ...(agendaItems.length ? ['agenda'] : [])].map((c) => ({ label: t(`ws.pledges.col.${c}`), num: c === 'hours' })),
          rows,
        })
      : h('p', { text: t('ws.pledges.none') }),
    h('p', { class: 'wg-hint', text: t('ws.pledges.privacy') }),
  );
}
