/**
 * The report for the council, made to be read on paper: title and date, what the numbers
 * mean in plain words, the privacy rule, the ranking for the whole municipality, per wijk
 * (with the top 3 of each buurt), the map, and the pledges.
 */
import { h, replace, append } from '../../js/dom.js';
import { t, formatNumber } from '../../js/i18n.js';
import { staffApi } from '../../js/staff/auth.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert } from '../../js/staff/problems.js';
import { dataTable } from '../../js/staff/data-table.js';
import { groupFigures, rankedPriorities, suppressedText } from '../../js/staff/results-view.js';
import * as fmt from '../../js/staff/format.js';
import { resultsQuery, filterSummary, groupName } from './common.js';
import { mapFigure, mapFeatures, chosenPriority } from './map.js';
import { pledgesContent } from './pledges.js';

function figures(results, group, title) {
  return groupFigures(results, group, { name: title, compact: true });
}

function buurtTopTable(results, buurten, wijk) {
  return dataTable({
    caption: t('report.buurtTopCaption', { wijk: wijk.label }),
    className: 'wg-table--top3',
    columns: [t('report.col.buurt'), { label: t('map.col.ballots'), num: true }, ...[1, 2, 3].map((n) => t('report.col.place', { n }))],
    rows: buurten.map((b) => {
      const name = h('th', { scope: 'row', text: b.label });
      if (b.suppressed || !b.priorities) {
        return h('tr', { dataset: { suppressed: 'true' } }, name, h('td', { colspan: '4', class: 'wg-suppressed', text: suppressedText(results.minGroupSize, b.suppressedReason) }));
      }
      const top = rankedPriorities(results, b).slice(0, 3);
      return h('tr', null, name, h('td', { class: 'wg-num', text: formatNumber(b.ballots) }), top.map((p) => h('td', { text: p.title })));
    }),
  });
}

export async function renderReport(main, { dialogue, state, geojson, onBack }) {
  const back = h('a', {
    class: 'wg-button wg-button--secondary',
    href: `?dialogue=${dialogue.id}`,
    id: 'wg-report-back',
    onclick: (event) => {
      event.preventDefault();
      onBack();
    },
    text: t('report.back'),
  });
  const print = h('button', { type: 'button', class: 'wg-button', id: 'wg-print', onclick: () => window.print() }, t('report.print'));
  const toolbar = h('div', { class: 'wg-actions wg-no-print' }, print, back);
  replace(main, h('article', { class: 'wg-report' }, toolbar, heading(t('report.title', { title: dialogue.title })), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') })));

  const query = resultsQuery({ ...state, groupBy: 'neighbourhood' });
  const [results, pledges, shapes] = await Promise.all([
    staffApi(`/dialogues/${dialogue.id}/results?${query}`),
    staffApi(`/dialogues/${dialogue.id}/pledges/summary?groupBy=neighbourhood`),
    geojson(),
  ]);
  const article = h('article', { class: 'wg-report', id: 'wg-report' }, toolbar, heading(t('report.title', { title: dialogue.title })));
  if (!results.ok) {
    append(article, [problemAlert(results)]);
    replace(main, article);
    return;
  }
  const data = results.data;
  const whole = data.groups.find((g) => g.kind === 'dialogue');
  const wijken = data.groups.filter((g) => g.kind === 'wijk');
  const buurten = data.groups.filter((g) => g.kind === 'buurt');

  append(article, [
    h(
      'p',
      { class: 'wg-report__meta' },
      t('report.meta', {
        municipality: dialogue.municipalityName,
        today: fmt.date(new Date().toISOString()),
        from: fmt.date(dialogue.startsOn),
        to: fmt.date(dialogue.endsOn),
      }),
    ),
    h('p', { class: 'wg-report__meta', text: t('report.figuresOf', { moment: fmt.dateTime(data.refreshedAt), filters: filterSummary(state) }) }),
  ]);

  // In short
  const top = whole && !whole.suppressed && whole.priorities ? rankedPriorities(data, whole).slice(0, 3) : [];
  append(article, [
    h('h2', { text: t('report.short') }),
    h('p', { text: data.totalBallots === null ? t('report.tooFew', { count: data.minGroupSize }) : t('report.took', { count: data.totalBallots }) }),
    top.length ? [h('p', { text: t('report.topIntro') }), h('ol', { class: 'wg-report__top' }, top.map((p) => h('li', { text: p.title })))] : null,
  ]);

  // What the numbers mean, and the privacy rule
  append(article, [
    h('h2', { text: t('explain.title') }),
    h(
      'dl',
      { class: 'wg-explain__list' },
      ['score', 'interval', 'first', 'topThree', 'meanRank', 'rank'].map((key) => [h('dt', { text: t(`explain.${key}.term`) }), h('dd', { text: t(`explain.${key}.text`) })]),
    ),
    h('h2', { text: t('report.privacyTitle') }),
    h('p', { text: t('report.privacy', { count: data.minGroupSize }) }),
  ]);

  // The whole municipality
  append(article, [h('h2', { text: t('report.whole') })]);
  if (whole) append(article, [figures(data, whole, t('group.dialogue'))]);
  else append(article, [h('p', { text: t('results.none') })]);

  // Per wijk
  if (wijken.length) {
    append(article, [h('h2', { text: t('report.perWijk') })]);
    for (const wijk of wijken) {
      const own = buurten.filter((b) => b.parent === wijk.key);
      append(article, [
        h(
          'section',
          { class: 'wg-report__wijk', 'aria-label': groupName(wijk) },
          h('h3', { text: groupName(wijk) }),
          wijk.suppressed ? null : h('p', { class: 'wg-group__meta', text: t('results.ballots', { count: wijk.ballots }) }),
          figures(data, wijk, groupName(wijk)),
          own.length ? buurtTopTable(data, own, wijk) : null,
        ),
      ]);
    }
  }

  // The map
  const features = shapes.ok ? mapFeatures(shapes.data) : [];
  if (features.length) {
    const priority = chosenPriority(data, state.priority);
    append(article, [
      h('section', { class: 'wg-report__map', 'aria-label': t('map.title') }, h('h2', { text: t('map.title') }), h('p', { text: t('report.mapIntro', { priority: priority.title }) }), mapFigure({ features, results: data, priority, attribution: shapes.data.attribution, linkToGroups: false })),
    ]);
  }

  // Pledges
  append(article, [h('h2', { text: t('pledges.title') })]);
  if (pledges.ok) {
    append(article, [h('p', { text: t('pledges.intro', { count: pledges.data.minGroupSize }) }), ...pledgesContent(pledges.data, data)]);
  } else {
    append(article, [problemAlert(pledges, { role: null })]);
  }

  append(article, [h('p', { class: 'wg-report__source', text: t('report.source', { municipality: dialogue.municipalityName }) })]);
  replace(main, article);
}
