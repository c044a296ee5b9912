/**
 * The municipal dashboard: analysts sign in, choose a dialogue and read its results per
 * group (ranked tables and bar charts), on a map, with pledges and trends; download CSV; print
 * a report for the council. State lives in the address (?dialogue=1&groupBy=…).
 */
import { h, replace, focusElement, announce } from '../../js/dom.js';
import { t, formatNumber } from '../../js/i18n.js';
import { DASHBOARD_BUNDLE } from '../../js/staff/i18n.js';
import { chrome, redraw, loadFirst } from '../../js/staff/shell.js';
import { heading } from '../../js/staff/chrome.js';
import { staffApi } from '../../js/staff/auth.js';
import { readState, writeState } from '../../js/staff/state.js';
import { applyBrand } from '../../js/brand.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { downloadFile } from '../../js/staff/download.js';
import * as fmt from '../../js/staff/format.js';
import { groupBysOf, UNFILTERED, VENUE_KINDS, AGE_BANDS, resultsQuery, filterSummary } from './common.js';
import { renderGroups } from './groups.js';
import { renderMapSection } from './map.js';
import { renderPledges } from './pledges.js';
import { renderTrends } from './trends.js';
import { renderReport } from './report.js';
import { renderIntegrity } from './integrity.js';

const DEFAULTS = { dialogue: '', groupBy: 'neighbourhood', venueKind: '', ageBand: '', priority: '', view: '' };
const main = () => document.getElementById('wg-main');

let state = readState(DEFAULTS);
let dialogues = null; // cached list
let municipalities = new Map();
const geojsonCache = new Map();

function setState(changes, { push = false } = {}) {
  state = { ...state, ...changes };
  writeState(
    {
      dialogue: state.dialogue,
      view: state.view,
      groupBy: state.groupBy !== DEFAULTS.groupBy ? state.groupBy : '',
      venueKind: state.venueKind,
      ageBand: state.ageBand,
      priority: state.priority,
    },
    { push },
  );
}

/** Show a view: new content in <main>, focus on its h1. */
function show(...children) {
  replace(main(), ...children);
}

function focusHeading() {
  focusElement(main().querySelector('h1'));
}

async function render(view) {
  const { me, focus, isCurrent } = view;
  state = readState(DEFAULTS);
  if (me.role === 'regional_analyst') {
    const { renderRegion } = await import('./region.js');
    if (isCurrent()) await renderRegion(main(), { focus });
    return;
  }
  if (!dialogues) {
    const loaded = await loadFirst(view, t('dashboard.title'), [staffApi('/dialogues'), staffApi('/municipalities')]);
    if (!loaded) return;
    const [result, places] = loaded;
    municipalities = new Map(places.ok ? places.data.map((m) => [m.cbsCode, m]) : []);
    dialogues = result.data.map((d) => ({ ...d, municipalityName: (municipalities.get(d.municipality) || {}).name || d.municipality }));
  }
  const dialogue = dialogues.find((d) => String(d.id) === String(state.dialogue));
  if (!dialogue) {
    if (dialogues.length === 1 && !state.dialogue) {
      setState({ dialogue: String(dialogues[0].id) });
      redraw({ focus });
      return;
    }
    renderChooser();
    if (focus) focusHeading();
    return;
  }
  const place = municipalities.get(dialogue.municipality);
  if (place && place.brandColour) applyBrand(place.brandColour);
  chrome(dialogue.municipalityName);
  if (state.view === 'report') await renderReport(main(), { dialogue, state, geojson: () => geojson(dialogue.municipality), onBack: () => navigate({ view: '' }) });
  else renderDashboard(dialogue);
  if (focus && isCurrent()) focusHeading();
}

function navigate(changes) {
  setState(changes, { push: true });
  redraw();
}

function renderChooser() {
  const items = [...dialogues].sort((a, b) => String(b.startsOn).localeCompare(String(a.startsOn)));
  show(
    h(
      'section',
      { class: 'wg-panel', 'aria-labelledby': 'wg-choose-title' },
      heading(t('dashboard.choose.title'), 1, { id: 'wg-choose-title' }),
      items.length
        ? [
            h('p', { text: t('dashboard.choose.intro') }),
            h(
              'ul',
              { class: 'wg-link-list', id: 'wg-dialogues' },
              items.map((d) =>
                h(
                  'li',
                  null,
                  h(
                    'a',
                    {
                      href: `?dialogue=${d.id}`,
                      dataset: { dialogue: d.id },
                      onclick: (event) => {
                        event.preventDefault();
                        navigate({ dialogue: String(d.id), view: '', priority: '' });
                      },
                    },
                    d.title,
                  ),
                  h('span', { class: 'wg-muted', text: ` · ${d.municipalityName} · ${fmt.date(d.startsOn)} – ${fmt.date(d.endsOn)}` }),
                ),
              ),
            ),
          ]
        : h('p', { text: t('dashboard.choose.none') }),
    ),
  );
}

async function geojson(cbsCode) {
  if (!geojsonCache.has(cbsCode)) {
    const promise = staffApi(`/municipalities/${encodeURIComponent(cbsCode)}/neighbourhoods?format=geojson`).then((r) => {
      if (!r.ok) geojsonCache.delete(cbsCode);
      return r;
    });
    geojsonCache.set(cbsCode, promise);
  }
  return geojsonCache.get(cbsCode);
}

function select({ id, label, value, options, paused }) {
  return h(
    'div',
    { class: 'wg-field wg-field--inline' },
    h('label', { class: 'wg-label', for: id, text: label }),
    h(
      'select',
      { class: 'wg-select', id, name: id.replace('wg-filter-', ''), 'aria-describedby': paused ? `${id}-paused` : null },
      options.map((o) => h('option', { value: o.value, selected: o.value === value, text: o.label })),
    ),
    paused ? h('span', { class: 'wg-hint wg-filters__paused', id: `${id}-paused`, hidden: true, text: paused }) : null,
  );
}

function filtersForm(dialogue, onApply) {
  const form = h(
    'form',
    { class: 'wg-filters wg-no-print', id: 'wg-filters', 'aria-labelledby': 'wg-filters-title' },
    h('h2', { id: 'wg-filters-title', class: 'wg-filters__title', text: t('filters.title') }),
    h(
      'div',
      { class: 'wg-filters__fields' },
      select({
        id: 'wg-filter-groupBy',
        label: t('filters.groupBy'),
        value: state.groupBy,
        options: groupBysOf(dialogue).map((g) => ({ value: g, label: t(`groupBy.${g}`) })),
      }),
      select({
        id: 'wg-filter-venueKind',
        label: t('filters.venueKind'),
        value: state.venueKind,
        paused: t('filters.pausedVenue'),
        options: [{ value: '', label: t('filters.allVenues') }, ...VENUE_KINDS.map((k) => ({ value: k, label: t(`venueKind.${k}`) }))],
      }),
      select({
        id: 'wg-filter-ageBand',
        label: t('filters.ageBand'),
        value: state.ageBand,
        paused: t('filters.pausedAge'),
        options: [{ value: '', label: t('filters.allAges') }, ...AGE_BANDS.map((b) => ({ value: b, label: t(`ageBand.${b}`) }))],
      }),
      h('div', { class: 'wg-filters__submit' }, h('button', { type: 'submit', class: 'wg-button', id: 'wg-filters-apply', text: t('filters.apply') })),
    ),
    h('p', { class: 'wg-hint', id: 'wg-filters-after-end', text: t('filters.afterEnd') }),
  );
  // The API shows one group when filtering on what it groups by: that filter pauses then.
  const groupBy = form.querySelector('#wg-filter-groupBy');
  const pause = () => {
    const whole = UNFILTERED.includes(groupBy.value);
    for (const [name, paused] of [['venueKind', whole || groupBy.value === 'venueKind'], ['ageBand', whole || groupBy.value === 'ageBand']]) {
      const select = form.querySelector(`#wg-filter-${name}`);
      const note = form.querySelector(`#wg-filter-${name}-paused`);
      select.disabled = paused;
      note.hidden = !paused || whole; // the dialogue as a whole: neither filter applies
    }
  };
  groupBy.addEventListener('change', pause);
  pause();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    onApply({ groupBy: data.get('groupBy'), venueKind: data.get('venueKind') || '', ageBand: data.get('ageBand') || '' });
  });
  return form;
}

function explanation() {
  return h(
    'details',
    { class: 'wg-explain', id: 'wg-explain' },
    h('summary', { text: t('explain.title') }),
    h(
      'dl',
      { class: 'wg-explain__list' },
      ['score', 'interval', 'first', 'topThree', 'meanRank', 'rank', 'privacy'].map((key) => [
        h('dt', { text: t(`explain.${key}.term`) }),
        h('dd', { text: t(`explain.${key}.text`) }),
      ]),
    ),
  );
}

function renderDashboard(dialogue) {
  const csvStatus = h('div', { class: 'wg-csv-status', id: 'wg-csv-status', role: 'status' });
  const csvButton = h('button', { type: 'button', class: 'wg-button wg-button--secondary', id: 'wg-csv' }, t('dashboard.csv'));
  csvButton.addEventListener('click', async () => {
    csvButton.disabled = true;
    replace(csvStatus, t('dashboard.csvBusy'));
    const query = resultsQuery(state);
    const result = await downloadFile(`/dialogues/${dialogue.id}/results?${query}`, {
      accept: 'text/csv',
      fallbackName: `welvaartgesprek-${dialogue.id}-${state.groupBy}.csv`,
    });
    csvButton.disabled = false;
    if (result.ok) replace(csvStatus, notice('success', t('dashboard.csvDone', { file: result.filename })));
    else if (result.status !== 401) replace(csvStatus, problemAlert(result, { role: null }));
  });
  const reportLink = h('a', {
    class: 'wg-button wg-button--secondary',
    id: 'wg-report-link',
    href: `?dialogue=${dialogue.id}&view=report`,
    onclick: (event) => {
      event.preventDefault();
      navigate({ view: 'report' });
    },
    text: t('dashboard.report'),
  });
  const otherDialogue =
    dialogues.length > 1
      ? h('a', {
          class: 'wg-button wg-button--subtle',
          href: '?',
          onclick: (event) => {
            event.preventDefault();
            navigate({ dialogue: '', view: '', priority: '' });
          },
          text: t('dashboard.otherDialogue'),
        })
      : null;

  const facts = h('dl', { class: 'wg-facts', id: 'wg-facts' });
  const sections = {
    results: h('section', { class: 'wg-section', id: 'results', 'aria-labelledby': 'results-title' }),
    map: h('section', { class: 'wg-section', id: 'map', 'aria-labelledby': 'map-title' }),
    pledges: h('section', { class: 'wg-section', id: 'pledges', 'aria-labelledby': 'pledges-title' }),
    trends: h('section', { class: 'wg-section', id: 'trends', 'aria-labelledby': 'trends-title' }),
    integrity: h('section', { class: 'wg-section wg-no-print', id: 'integrity', 'aria-labelledby': 'integrity-title' }),
  };
  const toc = h(
    'nav',
    { class: 'wg-toc wg-no-print', 'aria-labelledby': 'wg-toc-title' },
    h('h2', { id: 'wg-toc-title', class: 'wg-toc__title', text: t('dashboard.toc') }),
    h(
      'ul',
      null,
      ['results', 'map', 'pledges', 'trends', 'integrity'].map((key) => h('li', null, h('a', { href: `#${key}`, text: t(`${key}.title`) }))),
    ),
  );
  show(
    h(
      'div',
      { class: 'wg-dashboard' },
      h(
        'div',
        { class: 'wg-intro' },
        heading(dialogue.title, 1, { id: 'wg-dialogue-title' }),
        h('p', { class: 'wg-lead', text: t('dashboard.period', { municipality: dialogue.municipalityName, from: fmt.date(dialogue.startsOn), to: fmt.date(dialogue.endsOn) }) }),
        facts,
        h('div', { class: 'wg-actions wg-no-print' }, csvButton, reportLink, otherDialogue),
        csvStatus,
      ),
      toc,
      filtersForm(dialogue, (changes) => {
        setState(changes, { push: true });
        loadSections(dialogue, sections, facts, { announceDone: true });
      }),
      explanation(),
      sections.results,
      sections.map,
      sections.pledges,
      sections.trends,
      sections.integrity,
    ),
  );
  loadSections(dialogue, sections, facts);
}

function loading(section, titleKey) {
  replace(section, h('h2', { id: `${section.id}-title`, text: t(titleKey) }), h('p', { class: 'wg-loading', text: t('staff.loading') }));
}

let loadCount = 0;
async function loadSections(dialogue, sections, facts, { announceDone = false } = {}) {
  const mine = ++loadCount;
  const current = () => mine === loadCount && document.body.contains(sections.results);
  for (const [key, section] of Object.entries(sections)) loading(section, `${key}.title`);
  const query = resultsQuery(state);
  const resultsPromise = staffApi(`/dialogues/${dialogue.id}/results?${query}`);
  const neighbourhoodPromise =
    state.groupBy === 'neighbourhood'
      ? resultsPromise
      : staffApi(`/dialogues/${dialogue.id}/results?${resultsQuery({ ...state, groupBy: 'neighbourhood' })}`);

  const results = await resultsPromise;
  if (!current()) return;
  if (!results.ok) {
    replace(sections.results, h('h2', { id: 'results-title', text: t('results.title') }), problemAlert(results));
  } else {
    renderFacts(facts, results.data);
    renderGroups(sections.results, { results: results.data, dialogue, state });
  }

  const [neighbourhoods, shapes] = await Promise.all([neighbourhoodPromise, geojson(dialogue.municipality)]);
  if (!current()) return;
  renderMapSection(sections.map, {
    results: neighbourhoods,
    geojson: shapes,
    state,
    onPriority: (priority) => setState({ priority }),
  });

  const [pledges, trends, signals] = await Promise.all([
    staffApi(`/dialogues/${dialogue.id}/pledges/summary?groupBy=${encodeURIComponent(state.groupBy)}`),
    staffApi(`/municipalities/${encodeURIComponent(dialogue.municipality)}/trends`),
    staffApi(`/dialogues/${dialogue.id}/integrity`),
  ]);
  if (!current()) return;
  renderPledges(sections.pledges, { summary: pledges, results: results.ok ? results.data : null, state });
  renderTrends(sections.trends, { trends, dialogue });
  renderIntegrity(sections.integrity, { signals });
  if (announceDone) announce(t('dashboard.updated', { filters: filterSummary(state) }));
}

function renderFacts(facts, results) {
  const rows = [
    [t('facts.ballots'), results.totalBallots === null ? t('facts.tooFew') : formatNumber(results.totalBallots)],
    [t('facts.filters'), filterSummary(state)],
    [t('facts.privacy'), t('facts.privacyValue', { count: results.minGroupSize })],
    [t('facts.refreshed'), `${fmt.dateTime(results.refreshedAt)}. ${t('results.waiting')}`],
  ];
  if (results.unshownBallots) rows.splice(1, 0, [t('facts.unshown'), t('results.unshown', { count: formatNumber(results.unshownBallots) })]);
  replace(facts, rows.map(([term, value]) => h('div', { class: 'wg-facts__item' }, h('dt', { text: term }), h('dd', { text: value }))));
}

export default {
  bundles: [DASHBOARD_BUNDLE],
  roles: ['analyst', 'regional_analyst', 'coordinator', 'admin'],
  elsewhere: 'console',
  render,
  forget() {
    dialogues = null;
  },
  start() {
    window.addEventListener('popstate', () => redraw());
    // Paper shows everything: open the collapsed parts while printing.
    const opened = [];
    window.addEventListener('beforeprint', () => {
      for (const details of document.querySelectorAll('details:not([open])')) {
        if (details.wgFill) details.wgFill();
        details.open = true;
        opened.push(details);
      }
    });
    window.addEventListener('afterprint', () => {
      while (opened.length) opened.pop().open = false;
    });
  },
};
