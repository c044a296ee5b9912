/**
 * The photo (step 1 of the guide): import the CBS regional Monitor Brede Welvaart and the
 * "Gebieden in Nederland" area file, then per "hier en nu" theme the municipality's latest
 * value of each indicator beside its COROP area, province and the Netherlands, in words, with
 * its trend; and, for a dialogue, what residents rank high where the municipality scores low.
 */
import { h, replace } from '../../js/dom.js';
import { t, language, formatNumber } from '../../js/i18n.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { dataTable } from '../../js/staff/data-table.js';
import * as fmt from '../../js/staff/format.js';
import { wsApi, field } from './common.js';
import { uploadForm } from './upload.js';

const LEVELS = ['corop', 'provincie', 'nederland'];
const CSV = '.csv,.txt,.json,text/csv,text/plain,application/json';

const value = (number) => formatNumber(number, { maximumFractionDigits: 2 });

function themeTitle(theme) {
  return language() === 'en' ? theme.nameEn : theme.nameNl;
}

function importForm(place, onImported) {
  const indicators = h('input', { type: 'file', class: 'wg-input', id: 'wg-photo-indicators', name: 'indicators', accept: CSV, required: true });
  const areas = h('input', { type: 'file', class: 'wg-input', id: 'wg-photo-areas', name: 'areas', accept: CSV, required: true });
  return uploadForm({
    prefix: 'wg-photo',
    title: t('ws.photo.uploadTitle'),
    intro: t('ws.photo.uploadIntro'),
    submitText: t('ws.photo.import'),
    refused: t('ws.photo.refused'),
    fields: [
      field({ id: 'wg-photo-indicators', label: t('ws.photo.indicatorsFile'), hint: t('ws.photo.indicatorsHint'), input: indicators }),
      field({ id: 'wg-photo-areas', label: t('ws.photo.areasFile'), hint: t('ws.photo.areasHint'), input: areas }),
    ],
    check: () => {
      const errors = [];
      if (!indicators.files[0]) errors.push([indicators, t('ws.photo.chooseIndicators')]);
      if (!areas.files[0]) errors.push([areas, t('ws.photo.chooseAreas')]);
      return errors;
    },
    request: () => {
      const body = new FormData();
      body.append('indicators', indicators.files[0], indicators.files[0].name);
      body.append('areas', areas.files[0], areas.files[0].name);
      return [`/municipalities/${place.cbsCode}/wellbeing/import`, body];
    },
    imported: (report) => [
      t('ws.photo.imported', { count: report.figures }),
      h('p', { text: t('ws.photo.importedAreas', { areas: report.areas.map((a) => `${a.name} (${a.code})`).join(', ') }) }),
      report.skippedRows ? h('p', { text: t('ws.photo.skipped', { count: report.skippedRows }) }) : null,
      report.unmappedIndicators.length
        ? h('div', null, h('p', { text: t('ws.photo.unmapped', { count: report.unmappedIndicators.length }) }), h('ul', null, report.unmappedIndicators.map((label) => h('li', { lang: 'nl', text: label }))))
        : null,
    ],
    after: () => onImported(),
  });
}

function comparedWord(word) {
  return word ? t(`ws.photo.compared.${word}`) : '';
}

function trendCell(indicator) {
  return h(
    'td',
    { class: 'wg-trend', dataset: { trend: indicator.trendDirection || '' } },
    indicator.trendDirection ? h('strong', { text: t(`ws.photo.trend.${indicator.trendDirection}`) }) : null,
    h('ul', { class: 'wg-trend__years' }, indicator.trend.map((p) => h('li', { text: `${p.year}: ${value(p.value)}` }))),
  );
}

function themeTable(photo, theme, areasByLevel, place) {
  const titleId = `wg-theme-${theme.themeKey}-title`;
  const levels = LEVELS.filter((level) => areasByLevel[level]);
  const body = theme.indicators.map((indicator) => {
    const byLevel = Object.fromEntries(indicator.comparisons.map((c) => [c.level, c]));
    return h(
      'tr',
      { dataset: { indicator: indicator.label } },
      h('th', { scope: 'row' }, h('span', { lang: 'nl', text: indicator.label }), indicator.unit ? h('span', { class: 'wg-muted wg-unit', lang: 'nl', text: ` (${indicator.unit})` }) : null, h('span', { class: 'wg-muted wg-direction', text: ` ${t(indicator.higherIsBetter ? 'ws.photo.higherBetter' : 'ws.photo.lowerBetter')}` })),
      h('td', { class: 'wg-num', dataset: { level: 'gemeente' } }, value(indicator.value), h('span', { class: 'wg-muted', text: ` (${indicator.year})` })),
      levels.map((level) => {
        const other = byLevel[level];
        const word = indicator.compared[level];
        return h(
          'td',
          { class: ['wg-num', word ? `wg-compared--${word}` : ''], dataset: { level } },
          other ? value(other.value) : '–',
          word ? h('span', { class: 'wg-compared', text: ` ${t('ws.photo.placeIs', { place: place.name, word: comparedWord(word) })}` }) : null,
        );
      }),
      trendCell(indicator),
    );
  });
  const residents = theme.residents;
  return h(
    'section',
    { class: 'wg-panel wg-photo-theme', 'aria-labelledby': titleId, dataset: { theme: theme.themeKey, standing: theme.standing || '' } },
    h('h2', { id: titleId, text: themeTitle(theme) }),
    h('p', { class: 'wg-photo-standing', text: theme.standing ? t(`ws.photo.standing.${theme.standing}`, { place: place.name, worse: theme.worseThanNetherlands, better: theme.betterThanNetherlands, count: theme.indicators.length }) : t('ws.photo.standing.none') }),
    photo.dialogueId
      ? h('p', { class: 'wg-photo-residents', text: residents ? t(residents.rankedHigh ? 'ws.photo.residentsHigh' : 'ws.photo.residents', { title: residents.title, rank: residents.rank, score: fmt.score(residents.score) }) : t('ws.photo.residentsNone') })
      : null,
    theme.indicators.length
      ? dataTable({
          caption: t('ws.photo.caption', { theme: themeTitle(theme), place: place.name }),
          id: `wg-photo-${theme.themeKey}`,
          className: 'wg-photo-table',
          columns: [
            t('ws.photo.col.indicator'),
            { label: place.name, num: true },
            ...levels.map((level) => ({ label: t(`ws.photo.level.${level}`, { name: areasByLevel[level].name }), num: true })),
            t('ws.photo.col.trend', { place: place.name }),
          ],
          rows: body,
        })
      : h('p', { class: 'wg-muted', text: t('ws.photo.noIndicators') }),
  );
}

function headline(photo, place) {
  if (!photo.dialogueId) return null;
  const names = new Map(photo.themes.map((theme) => [theme.themeKey, themeTitle(theme)]));
  return h(
    'section',
    { class: 'wg-panel wg-photo-headline', id: 'wg-photo-headline', 'aria-labelledby': 'wg-photo-headline-title' },
    h('h2', { id: 'wg-photo-headline-title', text: t('ws.photo.headlineTitle', { place: place.name }) }),
    photo.rankHighScoreLow.length
      ? h('ul', { class: 'wg-photo-gaps' }, photo.rankHighScoreLow.map((key) => h('li', { dataset: { theme: key }, text: names.get(key) || key })))
      : h('p', { text: t('ws.photo.headlineNone') }),
    h('p', { class: 'wg-hint', text: t('ws.photo.headlineHow') }),
  );
}

function dialoguePicker(dialogues, chosen) {
  if (!dialogues.length) return null;
  const select = h(
    'select',
    { class: 'wg-select', id: 'wg-photo-dialogue', name: 'dialogue' },
    h('option', { value: '', text: t('ws.photo.noDialogue') }),
    dialogues.map((d) => h('option', { value: String(d.id), selected: String(d.id) === chosen, text: d.title })),
  );
  const form = h(
    'form',
    { class: 'wg-ws-form wg-photo-picker', id: 'wg-photo-picker' },
    field({ id: 'wg-photo-dialogue', label: t('ws.photo.dialogue'), hint: t('ws.photo.dialogueHint'), input: select }),
    h('div', { class: 'wg-actions' }, h('button', { type: 'submit', class: 'wg-button wg-button--secondary', id: 'wg-photo-show', text: t('ws.photo.show') })),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = select.value ? `#/photo?dialogue=${select.value}` : '#/photo?dialogue=none';
  });
  return form;
}

async function photoView(place, dialogueId) {
  const path = dialogueId ? `/dialogues/${dialogueId}/wellbeing` : `/municipalities/${place.cbsCode}/wellbeing`;
  const result = await wsApi(path);
  if (!result.ok) return [problemAlert(result, { role: null })];
  const photo = result.data;
  const shown = photo.themes.some((theme) => theme.indicators.length);
  if (!shown) return [notice('info', t('ws.photo.empty'), { role: null }), headline(photo, place)];
  const areasByLevel = Object.fromEntries(photo.areas.map((a) => [a.level, a]));
  return [
    h('p', { id: 'wg-photo-years', text: t('ws.photo.years', { years: photo.years.join(', '), source: photo.source }) }),
    headline(photo, place),
    photo.themes.map((theme) => themeTable(photo, theme, areasByLevel, place)),
  ];
}

export async function renderPhoto({ app, main, query, isCurrent }) {
  const place = app.municipality;
  replace(main, heading(t('ws.photo.title')), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const dialogues = await wsApi(`/dialogues?municipality=${encodeURIComponent(place.cbsCode)}`);
  if (!isCurrent()) return;
  const list = dialogues.ok ? dialogues.data : [];
  const asked = query.get('dialogue');
  const chosen = asked === 'none' ? '' : asked || (list[0] ? String(list[0].id) : '');
  const holder = h('div', { id: 'wg-photo' }, h('p', { class: 'wg-loading', text: t('staff.loading') }));
  const load = async () => {
    const parts = await photoView(place, chosen);
    if (isCurrent()) replace(holder, parts);
  };
  replace(
    main,
    heading(t('ws.photo.title')),
    app.flashRegion(),
    h('p', { class: 'wg-lead', text: t('ws.photo.intro') }),
    importForm(place, load),
    dialoguePicker(list, chosen),
    holder,
  );
  await load();
}
