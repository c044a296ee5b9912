/**
 * Pledges: what residents say they will contribute themselves (counts and hours per month,
 * by kind and by priority), per group; small groups suppressed like the rankings.
 */
import { h, replace } from '../../js/dom.js';
import { t, formatNumber } from '../../js/i18n.js';
import * as fmt from '../../js/staff/format.js';
import { problemAlert } from '../../js/staff/problems.js';
import { dataTable } from '../../js/staff/data-table.js';
import { groupName } from './common.js';

export const PLEDGE_KINDS = ['time', 'skill', 'space', 'materials', 'network', 'other'];

function cellCount(totals) {
  return totals ? formatNumber(totals.pledges) : '0';
}

/** The wijk of a buurt by the CBS rule: WK + digits 3–8 of its buurt code. */
function wijkOf(buurtCode) {
  return `WK${String(buurtCode).slice(2, 8)}`;
}

/** The whole dialogue first, then each wijk followed by its buurten, "not given" last. */
export function orderedGroups(groups) {
  const rank = (g) => (g.kind === 'dialogue' ? 0 : g.kind === 'unknown' || g.key === 'unknown' ? 2 : 1);
  const place = (g) => (g.kind === 'buurt' ? `${wijkOf(g.key)}/${g.key}` : g.kind === 'wijk' ? `${g.key}/` : g.label || g.key);
  return [...groups].sort((a, b) => rank(a) - rank(b) || place(a).localeCompare(place(b)));
}

/** One row per group: people, pledges, hours, and pledges per kind. */
export function pledgeGroupsTable(summary, { caption }) {
  return dataTable({
    caption,
    id: 'wg-pledges-table',
    className: 'wg-table--pledges',
    columns: [
      t('pledges.col.group'),
      { label: t('pledges.col.people'), num: true },
      { label: t('pledges.col.pledges'), num: true },
      { label: t('pledges.col.hours'), num: true },
      ...PLEDGE_KINDS.map((kind) => ({ label: t(`pledgeKind.${kind}`), num: true })),
    ],
    rows: orderedGroups(summary.groups).map((group) => {
      const name = h('th', { scope: 'row', class: group.kind === 'buurt' ? 'wg-indent' : null, text: groupName(group) });
      if (group.suppressed || !group.totals) {
        return h(
          'tr',
          { dataset: { group: group.key, suppressed: 'true' } },
          name,
          h('td', { colspan: String(3 + PLEDGE_KINDS.length), class: 'wg-suppressed', text: t('pledges.suppressed', { count: summary.minGroupSize }) }),
        );
      }
      return h(
        'tr',
        { dataset: { group: group.key, suppressed: 'false' } },
        name,
        h('td', { class: 'wg-num', text: formatNumber(group.pledgers) }),
        h('td', { class: 'wg-num', text: formatNumber(group.totals.pledges) }),
        h('td', { class: 'wg-num', text: fmt.hours(group.totals.hoursPerMonth) }),
        PLEDGE_KINDS.map((kind) => h('td', { class: 'wg-num', text: cellCount((group.byKind || {})[kind]) })),
      );
    }),
  });
}

/** Pledges linked to each priority, for one (unsuppressed) group. */
export function pledgePriorityTable(group, results, { caption }) {
  const titles = new Map((results ? results.priorities : []).map((p) => [String(p.id), p.title]));
  const rows = Object.entries(group.byPriority || {}).sort((a, b) => b[1].pledges - a[1].pledges);
  if (!rows.length) return h('p', { text: t('pledges.noPriorityLinks') });
  return dataTable({
    caption,
    id: 'wg-pledges-priorities',
    columns: [t('results.col.priority'), { label: t('pledges.col.pledges'), num: true }, { label: t('pledges.col.hours'), num: true }],
    rows: rows.map(([id, totals]) =>
      h(
        'tr',
        null,
        h('th', { scope: 'row', text: titles.get(id) || `#${id}` }),
        h('td', { class: 'wg-num', text: formatNumber(totals.pledges) }),
        h('td', { class: 'wg-num', text: fmt.hours(totals.hoursPerMonth) }),
      ),
    ),
  });
}

/** The pledges content (without its h2) for a summary document. */
export function pledgesContent(summary, results, { headingLevel = 3 } = {}) {
  if (!summary.groups.length) return [h('p', { id: 'wg-pledges-none', text: t('pledges.none') })];
  const whole = summary.groups.find((g) => g.kind === 'dialogue');
  const parts = [pledgeGroupsTable(summary, { caption: t('pledges.tableCaption') })];
  if (whole && !whole.suppressed) {
    parts.push(
      h(`h${headingLevel}`, { text: t('pledges.byPriority') }),
      pledgePriorityTable(whole, results, { caption: t('pledges.byPriorityCaption') }),
    );
  }
  return parts;
}

export function renderPledges(section, { summary, results, state }) {
  const title = h('h2', { id: 'pledges-title', text: t('pledges.title') });
  if (!summary.ok) return replace(section, title, problemAlert(summary, { role: null }));
  replace(
    section,
    title,
    h('p', { text: t('pledges.intro', { count: summary.data.minGroupSize }) }),
    state.venueKind || state.ageBand ? h('p', { class: 'wg-muted', text: t('pledges.filtersIgnored') }) : null,
    ...pledgesContent(summary.data, results),
  );
}
