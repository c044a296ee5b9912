/**
 * Who took part (steps 3 and 10): import the population per buurt and age band (CBS KWB, as
 * StatLine JSON or PDOK GeoJSON), then participants beside the population per buurt, wijk and
 * age band, and the weighted scores as estimates beside the counted ones, with the notes that
 * say how to read them. Every participant figure is a released one (suppression kept).
 */
import { h, replace } from '../../js/dom.js';
import { t, language, formatNumber, formatPercent } from '../../js/i18n.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { dataTable } from '../../js/staff/data-table.js';
import * as fmt from '../../js/staff/format.js';
import { wsApi, field, input } from './common.js';
import { uploadForm } from './upload.js';

const ACCEPT = '.json,.geojson,application/json,application/geo+json';
const KINDS = ['buurt', 'wijk', 'ageBand'];

function populationForm(place, onImported) {
  const file = h('input', { type: 'file', class: 'wg-input', id: 'wg-pop-file', name: 'file', accept: ACCEPT, required: true });
  const year = input({ id: 'wg-pop-year', name: 'year', type: 'number', inputmode: 'numeric', min: '1990', max: '2100', required: true, class: 'wg-input wg-input--short', value: String(new Date().getFullYear() - 2) });
  const chosenYear = () => Number(year.value);
  return uploadForm({
    prefix: 'wg-pop',
    title: t('ws.pop.uploadTitle'),
    intro: t('ws.pop.uploadIntro'),
    submitText: t('ws.pop.import'),
    refused: t('ws.pop.refused'),
    fields: [
      field({ id: 'wg-pop-file', label: t('ws.pop.file'), hint: t('ws.pop.fileHint'), input: file }),
      field({ id: 'wg-pop-year', label: t('ws.pop.year'), hint: t('ws.pop.yearHint'), input: year }),
    ],
    check: () => {
      const errors = [];
      if (!file.files[0]) errors.push([file, t('ws.pop.choose')]);
      if (!Number.isInteger(chosenYear()) || chosenYear() < 1990 || chosenYear() > 2100) errors.push([year, t('ws.pop.badYear')]);
      return errors;
    },
    request: () => {
      const body = new FormData();
      body.append('file', file.files[0], file.files[0].name);
      return [`/municipalities/${place.cbsCode}/population/import?year=${chosenYear()}`, body];
    },
    imported: (report) => [
      t('ws.pop.imported', { count: report.areas, year: String(report.year), source: t(`ws.pop.source.${report.source}`) }),
      report.skippedOtherMunicipalities ? h('p', { text: t('ws.pop.skipped', { count: report.skippedOtherMunicipalities }) }) : null,
      report.suppressedValues ? h('p', { text: t('ws.pop.suppressed', { count: report.suppressedValues }) }) : null,
    ],
    after: (report) => onImported(report.year),
  });
}

const count = (n) => (n == null ? '–' : formatNumber(n));
const share = (n) => (n == null ? '–' : formatPercent(n));
const rate = (n) => (n == null ? '–' : formatNumber(n, { style: 'percent', maximumFractionDigits: 1 }));

/** A share difference in percentage points, with over/under in words. */
function difference(n) {
  if (n == null) return '–';
  if (Math.round(Math.abs(n) * 100) === 0) return t('ws.pop.diff.even');
  const points = formatNumber(Math.abs(n) * 100, { maximumFractionDigits: 0 });
  return t(n > 0 ? 'ws.pop.diff.over' : 'ws.pop.diff.under', { points });
}

function groupTable(kind, groups, minGroupSize) {
  return dataTable({
    caption: t(`ws.pop.caption.${kind}`),
    id: `wg-rep-${kind}`,
    className: 'wg-rep-table',
    columns: ['group', 'participants', 'population', 'rate', 'participantShare', 'populationShare', 'difference'].map((c) => ({ label: t(`ws.pop.col.${c}`), num: c !== 'group' })),
    rows: groups.map((g) =>
      h(
        'tr',
        { dataset: { key: g.key, suppressed: String(g.suppressed) } },
        g.kind === 'ageBand'
          ? h('th', { scope: 'row', text: t('ws.pop.ageBand', { band: g.key }) })
          : h('th', { scope: 'row' }, g.label, h('span', { class: 'wg-muted', text: ` ${g.key}` })),
        h('td', { class: 'wg-num', dataset: { col: 'participants' }, text: g.suppressed ? t('ws.pop.hidden', { k: minGroupSize }) : count(g.participants) }),
        h('td', { class: 'wg-num', dataset: { col: 'population' }, text: count(g.population) }),
        h('td', { class: 'wg-num', dataset: { col: 'rate' }, text: rate(g.responseRate) }),
        h('td', { class: 'wg-num', text: share(g.participantShare) }),
        h('td', { class: 'wg-num', text: share(g.populationShare) }),
        h('td', { class: 'wg-num', dataset: { col: 'difference' }, text: difference(g.shareDifference) }),
      ),
    ),
  });
}

function scoreTable(report) {
  const covered = report.weightedPopulationCovered || {};
  const estimate = (n) => (n == null ? t('ws.pop.noEstimate') : fmt.score(n));
  return h(
    'section',
    { class: 'wg-panel', id: 'wg-rep-scores', 'aria-labelledby': 'wg-rep-scores-title' },
    h('h2', { id: 'wg-rep-scores-title', text: t('ws.pop.scoresTitle') }),
    h('p', { text: t('ws.pop.scoresIntro') }),
    dataTable({
      caption: t('ws.pop.scoresCaption'),
      id: 'wg-rep-score-table',
      columns: [
        t('ws.pop.col.priority'),
        { label: t('ws.pop.col.unweighted'), num: true },
        { label: t('ws.pop.col.byBuurt'), num: true, className: 'wg-estimate' },
        { label: t('ws.pop.col.byAgeBand'), num: true, className: 'wg-estimate' },
      ],
      rows: report.scores.map((s) =>
        h(
          'tr',
          { dataset: { priority: s.priorityId } },
          h('th', { scope: 'row', text: s.title }),
          h('td', { class: 'wg-num', dataset: { col: 'unweighted' }, text: s.unweighted == null ? '–' : fmt.score(s.unweighted) }),
          h('td', { class: 'wg-num wg-estimate', dataset: { col: 'byBuurt' }, text: estimate(s.weightedByBuurt) }),
          h('td', { class: 'wg-num wg-estimate', dataset: { col: 'byAgeBand' }, text: estimate(s.weightedByAgeBand) }),
        ),
      ),
    }),
    h(
      'p',
      { class: 'wg-hint', id: 'wg-rep-covered' },
      t('ws.pop.covered', { buurt: covered.buurt == null ? '–' : formatPercent(covered.buurt), age: covered.ageBand == null ? '–' : formatPercent(covered.ageBand) }),
    ),
  );
}

function notes(report) {
  const lang = report.notes[language()] ? language() : 'nl';
  return h(
    'section',
    { class: 'wg-panel wg-rep-notes', id: 'wg-rep-notes', 'aria-labelledby': 'wg-rep-notes-title' },
    h('h2', { id: 'wg-rep-notes-title', text: t('ws.pop.notesTitle') }),
    h('ul', { lang }, report.notes[lang].map((note) => h('li', { text: note }))),
  );
}

async function representativenessView(dialogueId) {
  const result = await wsApi(`/dialogues/${dialogueId}/representativeness`);
  if (!result.ok) return [problemAlert(result, { role: null })];
  const report = result.data;
  const parts = [notes(report)];
  if (report.populationYear == null) {
    parts.unshift(notice('info', t('ws.pop.noPopulation'), { role: null }));
    return parts;
  }
  parts.unshift(
    h('p', { id: 'wg-rep-summary', text: t('ws.pop.summary', { year: String(report.populationYear), count: report.totalParticipants ?? 0, k: report.minGroupSize }) }),
  );
  const tables = KINDS.map((kind) => [kind, report.groups.filter((g) => g.kind === kind)])
    .filter(([, groups]) => groups.length)
    .map(([kind, groups]) => groupTable(kind, groups, report.minGroupSize));
  parts.push(h('section', { class: 'wg-panel', id: 'wg-rep-groups', 'aria-labelledby': 'wg-rep-groups-title' }, h('h2', { id: 'wg-rep-groups-title', text: t('ws.pop.groupsTitle') }), h('p', { class: 'wg-hint', text: t('ws.pop.differenceHint') }), tables), scoreTable(report));
  return parts;
}

export async function renderParticipation({ app, main, params, isCurrent }) {
  const id = params[0];
  const place = app.municipality;
  replace(main, heading(t('ws.pop.title')), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const dialogue = await wsApi(`/dialogues/${id}`);
  if (!isCurrent()) return;
  if (!dialogue.ok) {
    replace(main, heading(t('ws.pop.title')), problemAlert(dialogue));
    return;
  }
  const holder = h('div', { id: 'wg-rep' }, h('p', { class: 'wg-loading', text: t('staff.loading') }));
  const load = async () => {
    const parts = await representativenessView(id);
    if (isCurrent()) replace(holder, parts);
  };
  replace(
    main,
    heading(t('ws.pop.titleOf', { title: dialogue.data.title })),
    app.flashRegion(),
    h('p', { class: 'wg-lead', text: t('ws.pop.intro') }),
    h('p', null, h('a', { href: '#/dialogues', text: t('ws.back.dialogues') })),
    populationForm(place, load),
    holder,
  );
  await load();
}
