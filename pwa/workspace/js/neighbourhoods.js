/**
 * Neighbourhoods: upload a CBS/PDOK file, see what it would do (counts, a map of its buurten,
 * the rows that would change), and only then apply it. Bad rows are listed by name.
 */
import { h, replace, focusElement } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { dataTable } from '../../js/staff/data-table.js';
import { wsApi, sendBody, field, showErrors, whenSubmitted } from './common.js';
import { previewMap } from './preview-map.js';

const ACCEPT = '.geojson,.json,.csv,application/geo+json,application/json,text/csv';

function importPath(place, dryRun) {
  return `/municipalities/${place.cbsCode}/neighbourhoods/import${dryRun ? '?dryRun=true' : ''}`;
}

function upload(place, file, dryRun) {
  const body = new FormData();
  body.append('file', file, file.name);
  return sendBody(importPath(place, dryRun), { body });
}

/** A refused file: what is wrong, then each bad row or feature by name. */
function badFile(result) {
  const problem = result.problem || {};
  const params = Array.isArray(problem.invalidParams) ? problem.invalidParams : [];
  const lang = result.language || problem.contentLanguage || null;
  return h(
    'div',
    { class: 'wg-alert wg-alert--error wg-problem', role: 'alert', id: 'wg-import-problem' },
    h(
      'div',
      { class: 'wg-alert__body' },
      h('strong', { class: 'wg-alert__title', text: t('ws.nbh.badFile') }),
      problem.detail ? h('p', { lang, text: problem.detail }) : null,
      params.length
        ? h('ul', { class: 'wg-bad-rows', lang }, params.map((p) => h('li', null, h('strong', { text: `${p.name}: ` }), p.reason)))
        : null,
    ),
  );
}

function changeTable(changes) {
  if (!changes.length) return h('p', { text: t('ws.nbh.noChanges') });
  return dataTable({
    caption: t('ws.nbh.changesCaption', { count: changes.length }),
    id: 'wg-import-changes',
    columns: ['code', 'name', 'kind', 'wijk', 'change'].map((c) => t(`ws.nbh.col.${c}`)),
    rows: changes.map((c) =>
      h(
        'tr',
        { dataset: { code: c.code, change: c.change } },
        h('td', { text: c.code }),
        h('th', { scope: 'row', text: c.name }),
        h('td', { text: t(`ws.nbh.kind.${c.kind}`) }),
        h('td', { text: c.wijkCode || '' }),
        h('td', { text: c.change === 'updated' && c.previousName ? t('ws.nbh.renamed', { name: c.previousName }) : t(`ws.nbh.change.${c.change}`) }),
      ),
    ),
  });
}

function previewSection(preview) {
  const facts = [
    ['wijken', preview.wijken],
    ['buurten', preview.buurten],
    ['created', preview.created],
    ['updated', preview.updated],
    ['unchanged', preview.unchanged],
  ];
  const features = ((preview.map && preview.map.features) || []).filter((f) => f.geometry);
  return h(
    'section',
    { class: 'wg-import-preview', id: 'wg-import-preview', 'aria-labelledby': 'wg-preview-title' },
    h('h2', { id: 'wg-preview-title', tabindex: '-1', text: t('ws.nbh.previewTitle') }),
    h('p', { text: t('ws.nbh.previewIntro', { format: preview.format || '', source: preview.source || t('ws.nbh.unknownSource') }) }),
    h('dl', { class: 'wg-ws-facts', id: 'wg-import-counts' }, facts.map(([key, value]) => h('div', { dataset: { fact: key } }, h('dt', { text: t(`ws.nbh.fact.${key}`) }), h('dd', { text: String(value ?? 0) })))),
    features.length ? previewMap(features) : h('p', { text: t('ws.nbh.noShapes') }),
    h('h3', { text: t('ws.nbh.changesTitle') }),
    changeTable(preview.changes || []),
  );
}

async function currentList(place) {
  const result = await wsApi(`/municipalities/${place.cbsCode}/neighbourhoods`);
  if (!result.ok) return problemAlert(result, { role: null });
  const wijken = result.data.filter((n) => n.kind === 'wijk');
  const buurten = result.data.filter((n) => n.kind === 'buurt');
  if (!result.data.length) return h('p', { id: 'wg-nbh-current', text: t('ws.nbh.currentNone') });
  return h(
    'div',
    { id: 'wg-nbh-current' },
    h('p', { text: t('ws.nbh.currentCounts', { wijken: wijken.length, buurten: buurten.length }) }),
    h(
      'ul',
      { class: 'wg-nbh-list' },
      wijken.map((w) =>
        h(
          'li',
          null,
          h('strong', { text: `${w.name} ` }),
          h('span', { class: 'wg-muted', text: w.code }),
          h('ul', null, buurten.filter((b) => b.wijkCode === w.code).map((b) => h('li', null, `${b.name} `, h('span', { class: 'wg-muted', text: b.code })))),
        ),
      ),
    ),
  );
}

export async function renderNeighbourhoods({ app, main, isCurrent }) {
  const place = app.municipality;
  const flash = app.flashRegion();
  const messages = h('div', { class: 'wg-form-messages' });
  const previewHolder = h('div');
  const file = h('input', { type: 'file', class: 'wg-input', id: 'wg-nbh-file', name: 'file', accept: ACCEPT });
  const check = h('button', { type: 'submit', class: 'wg-button', id: 'wg-nbh-preview', text: t('ws.nbh.check') });
  const form = h(
    'form',
    { class: 'wg-panel wg-ws-form', novalidate: true, id: 'wg-nbh-form' },
    h('h2', { text: t('ws.nbh.uploadTitle') }),
    h('p', { text: t('ws.nbh.formats') }),
    field({ id: 'wg-nbh-file', label: t('ws.nbh.file'), hint: t('ws.nbh.fileHint'), input: file }),
    h('div', { class: 'wg-actions' }, check),
    messages,
  );
  let chosen = null;
  file.addEventListener('change', () => {
    replace(previewHolder);
    replace(messages);
  });
  whenSubmitted(form, messages, async () => {
    replace(previewHolder);
    chosen = file.files[0];
    if (!chosen) return showErrors([[file, t('ws.nbh.choose')]]);
    check.disabled = true;
    replace(messages, notice('info', t('ws.nbh.checking'), { role: 'status' }));
    const result = await upload(place, chosen, true);
    check.disabled = false;
    if (!isCurrent()) return;
    if (!result.ok) {
      if (result.status === 401) return;
      replace(messages, result.status === 400 || result.status === 422 ? badFile(result) : problemAlert(result));
      focusElement(messages.firstChild);
      return;
    }
    replace(messages);
    const apply = h('button', { type: 'button', class: 'wg-button', id: 'wg-nbh-apply', text: t('ws.nbh.apply') });
    const cancel = h('button', { type: 'button', class: 'wg-button wg-button--secondary', id: 'wg-nbh-cancel', text: t('ws.nbh.cancel') });
    const applyMessages = h('div', { class: 'wg-form-messages' });
    apply.addEventListener('click', async () => {
      apply.disabled = true;
      const done = await upload(place, chosen, false);
      apply.disabled = false;
      if (!done.ok) {
        if (done.status === 401) return;
        replace(applyMessages, done.status === 400 ? badFile(done) : problemAlert(done));
        focusElement(applyMessages.firstChild);
        return;
      }
      app.navigate('neighbourhoods', {
        message: { kind: 'success', text: t('ws.nbh.applied', { created: done.data.created, updated: done.data.updated, unchanged: done.data.unchanged }) },
      });
    });
    cancel.addEventListener('click', () => {
      replace(previewHolder);
      file.value = '';
      focusElement(file);
    });
    replace(previewHolder, previewSection(result.data), h('div', { class: 'wg-actions' }, apply, cancel), applyMessages);
    focusElement(previewHolder.querySelector('h2'));
  });
  const listHolder = h('section', { class: 'wg-panel', 'aria-labelledby': 'wg-nbh-current-title' }, h('h2', { id: 'wg-nbh-current-title', text: t('ws.nbh.currentTitle') }), h('p', { class: 'wg-loading', text: t('staff.loading') }));
  replace(main, heading(t('ws.nbh.title')), flash, h('p', { class: 'wg-lead', text: t('ws.nbh.intro') }), form, previewHolder, listHolder);
  const list = await currentList(place);
  if (!isCurrent()) return;
  replace(listHolder, listHolder.firstChild, list);
}
