/**
 * The results section: the whole dialogue first, then the groups of the chosen breakdown
 * (wijken with their buurten; venue kinds; age bands; sessions), each with its bar chart and
 * ranked table; suppressed groups say why they show no figures.
 */
import { h, replace, uid } from '../../js/dom.js';
import { t, formatNumber, formatPercent } from '../../js/i18n.js';
import { groupFigures, rankedPriorities, suppressedText } from '../../js/staff/results-view.js';
import { groupId, groupName, filterSummary } from './common.js';

function ballotsText(group) {
  return t('results.ballots', { count: group.ballots });
}

function topText(results, group) {
  const [top] = rankedPriorities(results, group);
  return top ? t('results.topOne', { title: top.title }) : '';
}

/** Life satisfaction of those in the group who answered (0–10): mean, interval and shares. */
function lifeSatisfaction(group) {
  const life = group.lifeSatisfaction;
  if (!life) return null;
  const one = (value) => formatNumber(value, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const shares = ['0-5', '6', '7-8', '9-10'].map((band) => t('life.share', { band, share: formatPercent(life.shares[band]) }));
  return h('p', { class: 'wg-life', dataset: { life: group.key } },
    h('strong', { text: t('life.mean', { mean: one(life.mean), low: one(life.meanLow), high: one(life.meanHigh) }) }),
    ` ${t('life.answered', { count: life.answered })} · ${shares.join(' · ')}`);
}

/** A group that opens on request: its summary line tells the count and the number 1. */
function collapsibleGroup(results, group, headingLevel) {
  const id = groupId(group.key);
  if (group.suppressed || !group.priorities) {
    return h(
      'li',
      { class: 'wg-group wg-group--suppressed', id, dataset: { group: group.key, suppressed: 'true' } },
      h(`h${headingLevel}`, { class: 'wg-group__name', text: groupName(group) }),
      h('p', { class: 'wg-suppressed', text: suppressedText(results.minGroupSize, group.suppressedReason) }),
    );
  }
  // The figures are built when the group is first opened: a municipality may have hundreds.
  const details = h(
    'details',
    { id, class: 'wg-group__details' },
    h(
      'summary',
      null,
      h(`h${headingLevel}`, { class: 'wg-group__name', text: groupName(group) }),
      h('span', { class: 'wg-group__meta', text: ` ${ballotsText(group)} · ${topText(results, group)}` }),
    ),
  );
  let filled = false;
  const fill = () => {
    if (filled) return;
    filled = true;
    details.append(...[lifeSatisfaction(group), groupFigures(results, group, { name: groupName(group) })].filter(Boolean));
  };
  details.wgFill = fill;
  details.querySelector('summary').addEventListener('click', fill);
  details.addEventListener('toggle', () => details.open && fill());
  return h('li', { class: 'wg-group', dataset: { group: group.key, suppressed: 'false' } }, details);
}

/** A group shown open, with a heading (the whole dialogue, a wijk). */
function openGroup(results, group, headingLevel, title) {
  return h(
    'section',
    {
      class: ['wg-group', 'wg-group--open', group.suppressed ? 'wg-group--suppressed' : ''],
      id: groupId(group.key),
      'aria-labelledby': `${groupId(group.key)}-title`,
      dataset: { group: group.key, suppressed: String(Boolean(group.suppressed)) },
    },
    h(`h${headingLevel}`, { id: `${groupId(group.key)}-title`, text: title || groupName(group) }),
    group.suppressed ? null : h('p', { class: 'wg-group__meta', text: ballotsText(group) }),
    lifeSatisfaction(group),
    groupFigures(results, group, { name: title || groupName(group) }),
  );
}

export function renderGroups(section, { results, state }) {
  const whole = results.groups.find((g) => g.kind === 'dialogue');
  const rest = results.groups.filter((g) => g.kind !== 'dialogue');
  const parts = [
    h('h2', { id: 'results-title', text: t('results.title') }),
    h('p', { class: 'wg-muted', text: t('results.filtersNow', { filters: filterSummary(state) }) }),
  ];
  if (whole) parts.push(openGroup(results, whole, 3, t('group.dialogue')));
  if (state.groupBy === 'neighbourhood') parts.push(...neighbourhoodGroups(results, rest));
  else if (rest.length) {
    parts.push(
      h('h3', { class: 'wg-breakdown-title', text: t(`breakdown.${state.groupBy}`) }),
      h('ul', { class: 'wg-group-list' }, rest.map((g) => collapsibleGroup(results, g, 4))),
    );
  }
  if (!whole && !rest.length) parts.push(h('p', { text: t('results.none') }));
  replace(section, ...parts);
}

function neighbourhoodGroups(results, groups) {
  const wijken = groups.filter((g) => g.kind === 'wijk');
  const buurten = groups.filter((g) => g.kind === 'buurt');
  const others = groups.filter((g) => g.kind !== 'wijk' && g.kind !== 'buurt');
  const parts = [];
  if (wijken.length || buurten.length) parts.push(h('h3', { class: 'wg-breakdown-title', text: t('breakdown.neighbourhood') }));
  for (const wijk of wijken) {
    const own = buurten.filter((b) => b.parent === wijk.key);
    const titleId = uid('wijk');
    parts.push(
      h(
        'div',
        { class: 'wg-wijk' },
        openGroup(results, wijk, 4),
        own.length
          ? [
              h('p', { class: 'wg-buurten-title', id: titleId, text: t('results.buurtenIn', { wijk: wijk.label, count: own.length }) }),
              h('ul', { class: 'wg-group-list', 'aria-labelledby': titleId }, own.map((b) => collapsibleGroup(results, b, 5))),
            ]
          : null,
      ),
    );
  }
  const loose = buurten.filter((b) => !wijken.some((w) => w.key === b.parent));
  if (loose.length) {
    parts.push(h('h4', { text: t('results.otherBuurten') }), h('ul', { class: 'wg-group-list' }, loose.map((b) => collapsibleGroup(results, b, 5))));
  }
  if (others.length) {
    parts.push(h('ul', { class: 'wg-group-list wg-group-list--others' }, others.map((g) => collapsibleGroup(results, g, 4))));
  }
  return parts;
}

