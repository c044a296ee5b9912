/**
 * The one table of the staff pages: a caption, a row of column headings and the rows, in a
 * wrapper that scrolls sideways when the table is wider than the screen (chrome.js makes such
 * a wrapper reachable by keyboard, named after the caption).
 */
import { h } from '../dom.js';

function columnHeading(column) {
  const { label, num = false, className = null, hidden = false } = typeof column === 'object' && !Array.isArray(column) && !(column instanceof Node) ? column : { label: column };
  const classes = [num ? 'wg-num' : null, className].filter(Boolean).join(' ');
  return h('th', { scope: 'col', class: classes || null }, hidden ? h('span', { class: 'wg-visually-hidden', text: label }) : label);
}

/**
 * dataTable({caption, columns, rows, id, className, wrap}).
 * columns: per column its heading (text or nodes) or {label, num (figures, set right),
 * className, hidden (read out, not shown)}; a null column is left out.
 * rows: the <tr> elements, or a <tbody> that is filled later.
 * wrap: more attributes of the wrapper (e.g. a region that is always in the tab order).
 */
export function dataTable({ caption, columns, rows, id = null, className = null, wrap = {} }) {
  const body = rows instanceof Element && rows.tagName === 'TBODY' ? rows : h('tbody', null, rows);
  return h(
    'div',
    { class: 'wg-table-wrap', ...wrap },
    h(
      'table',
      { class: className ? `wg-table ${className}` : 'wg-table', id },
      caption ? h('caption', { text: caption }) : null,
      h('thead', null, h('tr', null, columns.filter((column) => column != null).map(columnHeading))),
      body,
    ),
  );
}
