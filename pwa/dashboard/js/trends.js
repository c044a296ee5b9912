/**
 * Trends: each priority's score in the municipality's dialogues over time (matched by title),
 * as a table with a small line per priority once there are two or more dialogues.
 */
import { h, replace, svg } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import * as fmt from '../../js/staff/format.js';
import { problemAlert } from '../../js/staff/problems.js';
import { themeLabel } from '../../js/staff/themes.js';
import { dataTable } from '../../js/staff/data-table.js';

function sparkline(points) {
  const shown = points.filter((p) => !p.suppressed && p.score !== null);
  if (shown.length < 2) return null;
  const width = 120;
  const height = 32;
  const x = (i) => 4 + (i * (width - 8)) / (points.length - 1);
  const y = (score) => height - 4 - score * (height - 8);
  const line = svg('svg', { class: 'wg-spark', viewBox: `0 0 ${width} ${height}`, 'aria-hidden': 'true', focusable: 'false' });
  const d = points
    .map((p, i) => (p.suppressed || p.score === null ? null : `${x(i).toFixed(1)} ${y(p.score).toFixed(1)}`))
    .filter(Boolean)
    .map((xy, i) => `${i ? 'L' : 'M'}${xy}`)
    .join('');
  line.append(svg('path', { d, class: 'wg-spark__line' }));
  points.forEach((p, i) => {
    if (!p.suppressed && p.score !== null) line.append(svg('circle', { cx: x(i).toFixed(1), cy: y(p.score).toFixed(1), r: 2.5, class: 'wg-spark__dot' }));
  });
  return line;
}

export function renderTrends(section, { trends, dialogue }) {
  const title = h('h2', { id: 'trends-title', text: t('trends.title') });
  if (!trends.ok) return replace(section, title, problemAlert(trends, { role: null }));
  const series = trends.data;
  if (!series.length) return replace(section, title, h('p', { text: t('trends.none') }));
  // The dialogues, oldest first, from the points of all series.
  const columns = new Map();
  for (const s of series) for (const p of s.points) columns.set(p.dialogueId, p);
  const dialoguesInOrder = [...columns.values()].sort((a, b) => String(a.startsOn).localeCompare(String(b.startsOn)));
  const many = dialoguesInOrder.length > 1;
  // Sort by the score in the dialogue shown, best first.
  const scoreIn = (s) => {
    const p = s.points.find((q) => q.dialogueId === dialogue.id);
    return p && p.score !== null ? p.score : -1;
  };
  const rows = [...series].sort((a, b) => scoreIn(b) - scoreIn(a));
  replace(
    section,
    title,
    h('p', { text: many ? t('trends.intro') : t('trends.single') }),
    dataTable({
      caption: t('trends.tableCaption'),
      id: 'wg-trends-table',
      className: 'wg-table--trends',
      columns: [
        t('results.col.priority'),
        ...dialoguesInOrder.map((d) => ({ label: [d.dialogueTitle, h('span', { class: 'wg-th-sub', text: fmt.date(d.startsOn) })], num: true })),
        many ? t('trends.col.line') : null,
      ],
      rows: rows.map((s) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, h('span', { class: 'wg-priority-title', text: s.title }), themeLabel(s.themeKey)),
          dialoguesInOrder.map((d) => {
            const p = s.points.find((q) => q.dialogueId === d.dialogueId);
            if (!p) return h('td', { class: 'wg-num', text: '–' });
            if (p.suppressed || p.score === null) return h('td', { class: 'wg-num wg-suppressed', text: t('trends.hidden') });
            return h(
              'td',
              { class: 'wg-num' },
              fmt.score(p.score),
              h('span', { class: 'wg-td-sub', text: `(${fmt.scoreInterval(p.scoreLow, p.scoreHigh)})` }),
            );
          }),
          many ? h('td', null, sparkline(s.points)) : null,
        ),
      ),
    }),
  );
}
