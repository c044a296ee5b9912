/**
 * One group's results: a bar chart (score with its 95% interval, in Schulze order) and the
 * ranked table that is its accessible alternative. Used by the dashboard and the projector.
 */
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import * as fmt from './format.js';
import { themeLabel } from './themes.js';
import { dataTable } from './data-table.js';

/** The group's priorities joined with their titles, best first (Schulze rank, then score). */
export function rankedPriorities(results, group) {
  const labels = new Map(results.priorities.map((p) => [p.id, p]));
  return [...(group.priorities || [])]
    .map((p) => ({ ...p, title: (labels.get(p.id) || {}).title || `#${p.id}`, themeKey: (labels.get(p.id) || {}).themeKey }))
    .sort((a, b) => a.schulzeRank - b.schulzeRank || b.score - a.score);
}

/** The text that replaces a suppressed group's figures, saying why it shows none. */
export function suppressedText(minGroupSize, reason) {
  if (reason === 'protectsAnother') return t('results.suppressedProtecting');
  return t('results.suppressed', { count: minGroupSize });
}

function percent(value) {
  return `${Math.max(0, Math.min(100, value * 100)).toFixed(2)}%`;
}

/**
 * A bar chart of scores (0–100) with interval whiskers. Hidden from screen readers: the
 * table that follows it carries the same figures.
 */
export function barChart(ranked, { caption, limit } = {}) {
  const rows = limit ? ranked.slice(0, limit) : ranked;
  const list = h('ol', { class: 'wg-bars', 'aria-hidden': 'true' });
  for (const p of rows) {
    const bar = h('span', { class: 'wg-bars__bar' });
    bar.style.inlineSize = percent(p.score); // CSSOM: allowed by the Content-Security-Policy
    const whisker = h('span', { class: 'wg-bars__interval' });
    whisker.style.insetInlineStart = percent(p.scoreLow);
    whisker.style.inlineSize = percent(p.scoreHigh - p.scoreLow);
    list.append(
      h(
        'li',
        { class: 'wg-bars__row', dataset: { priority: p.id } },
        h('span', { class: 'wg-bars__label' }, h('span', { class: 'wg-bars__rank', text: `${p.schulzeRank}.` }), ' ', p.title),
        h('span', { class: 'wg-bars__track' }, bar, whisker),
        h('span', { class: 'wg-bars__value', text: fmt.score(p.score) }),
      ),
    );
  }
  return h(
    'figure',
    { class: 'wg-chart' },
    caption ? h('figcaption', { class: 'wg-chart__caption' }, caption, ' ', h('span', { class: 'wg-muted', text: t('results.chartNote') })) : null,
    h('div', { class: 'wg-bars__scale', 'aria-hidden': 'true' }, h('span', { text: '0' }), h('span', { text: '50' }), h('span', { text: '100' })),
    list,
  );
}

/** The ranked table of one group. */
export function rankedTable(ranked, { caption, compact = false } = {}) {
  const head = [
    t('results.col.rank'),
    t('results.col.priority'),
    t('results.col.score'),
    t('results.col.interval'),
    t('results.col.first'),
    t('results.col.topThree'),
    t('results.col.meanRank'),
  ];
  return dataTable({
    caption,
    className: 'wg-table--results',
    columns: head.map((label, i) => ({ label, num: i >= 2 })),
    rows: ranked.map((p) =>
      h(
        'tr',
        { dataset: { priority: p.id } },
        h('td', { class: 'wg-num', text: String(p.schulzeRank) }),
        h('th', { scope: 'row' }, h('span', { class: 'wg-priority-title', text: p.title }), compact || !p.themeKey ? null : themeLabel(p.themeKey)),
        h('td', { class: 'wg-num', dataset: { col: 'score' }, text: fmt.score(p.score) }),
        h('td', { class: 'wg-num', dataset: { col: 'interval' }, text: fmt.scoreInterval(p.scoreLow, p.scoreHigh) }),
        h('td', { class: 'wg-num', dataset: { col: 'first' }, text: fmt.share(p.firstChoiceShare) }),
        h('td', { class: 'wg-num', dataset: { col: 'topThree' }, text: fmt.share(p.topThreeShare) }),
        h('td', { class: 'wg-num', dataset: { col: 'meanRank' }, text: fmt.meanRank(p.meanRank) }),
      ),
    ),
  });
}

/** Chart and table of one group, or the suppression notice. */
export function groupFigures(results, group, { name, chartLimit, compact = false } = {}) {
  if (group.suppressed || !group.priorities) {
    return h('p', { class: 'wg-suppressed', text: suppressedText(results.minGroupSize, group.suppressedReason) });
  }
  const ranked = rankedPriorities(results, group);
  const label = name || group.label;
  return h(
    'div',
    { class: 'wg-figures', id: uid('figures') },
    barChart(ranked, { caption: t('results.chartCaption', { group: label }), limit: chartLimit }),
    rankedTable(ranked, { caption: t('results.tableCaption', { group: label }), compact }),
  );
}
