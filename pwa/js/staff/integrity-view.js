/**
 * Signals of ballot stuffing in one session (GET /sessions/{id}/integrity), shared by the
 * console (with actions) and the dashboard (read only): key figures, warnings in words, and a
 * table of check-ins per minute. Everything is text in tables and lists, so it reads the same
 * with a screen reader; nothing depends on colour alone.
 */
import { h } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import * as fmt from './format.js';
import { notice } from './problems.js';
import { dataTable } from './data-table.js';

/** The largest network's share in words: "half to three quarters", or "too few to show". */
export function shareText(signals) {
  return signals.largestNetworkShare ? t(`integrity.share.${signals.largestNetworkShare}`) : t('integrity.share.hidden', { count: signals.minGroupSize });
}

/** Key figures as a description list. */
export function integrityFacts(signals) {
  const rows = [
    [t('integrity.checkIns'), formatNumber(signals.checkIns)],
    [t('integrity.ballots'), formatNumber(signals.ballots)],
    [t('integrity.setAside'), formatNumber(signals.setAsideBallots)],
    [t('integrity.normal'), formatNumber(signals.normalPerMinute, { maximumFractionDigits: 1 })],
    [t('integrity.refused'), formatNumber(signals.refusedCheckIns)],
    [t('integrity.largestShare'), shareText(signals)],
    [t('integrity.presence'), signals.presenceVerified ? t('integrity.presence.yes') : t(`integrity.presence.no.${signals.checkInMode}`)],
  ];
  return h(
    'dl',
    { class: 'wg-facts wg-integrity__facts' },
    rows.map(([term, value]) => h('div', { class: 'wg-facts__item' }, h('dt', { text: term }), h('dd', { text: value }))),
  );
}

/** The warnings, in words (or one line saying there are none). */
export function integrityFlags(signals) {
  const worrying = signals.flags.filter((f) => f !== 'presenceNotVerified');
  if (!worrying.length) return notice('success', t('integrity.flags.none'));
  return h(
    'div',
    { class: 'wg-alert wg-alert--warning' },
    h(
      'div',
      { class: 'wg-alert__body' },
      h('strong', { class: 'wg-alert__title', text: t('integrity.flags.title') }),
      h('ul', null, worrying.map((flag) => h('li', { text: t(`integrity.flag.${flag}`, { count: flag === 'burst' ? signals.bursts.length : signals.refusedCheckIns }) }))),
    ),
  );
}

/** Minutes worth a row: any check-in or refusal; bursts first marked in words. */
export function busyMinutes(signals) {
  return signals.minutes.filter((m) => m.checkIns > 0 || m.refused > 0);
}

/**
 * The table of check-ins per minute. `action(minute)` may return a cell's content (a button),
 * for the console; the dashboard leaves it out.
 */
export function minutesTable(signals, { caption, action, id } = {}) {
  const minutes = busyMinutes(signals);
  if (!minutes.length) return h('p', { class: 'wg-muted', text: t('integrity.noCheckIns') });
  return dataTable({
    caption,
    id,
    className: 'wg-integrity__minutes',
    wrap: { tabindex: '0', role: 'region', 'aria-label': caption },
    columns: [
      t('integrity.col.minute'),
      { label: t('integrity.col.checkIns'), num: true },
      { label: t('integrity.col.oneNetwork'), num: true },
      { label: t('integrity.col.refused'), num: true },
      t('integrity.col.burst'),
      action ? t('integrity.col.action') : null,
    ],
    rows: minutes
      .slice()
      .reverse()
      .map((m) =>
        h(
          'tr',
          { dataset: { minute: m.minute, burst: String(m.burst) }, class: m.burst ? 'wg-integrity__burst' : null },
          h('th', { scope: 'row', text: fmt.time(m.minute) }),
          h('td', { class: 'wg-num', text: formatNumber(m.checkIns) }),
          h('td', { class: 'wg-num', text: formatNumber(m.fromLargestNetwork) }),
          h('td', { class: 'wg-num', text: formatNumber(m.refused) }),
          h('td', { text: m.burst ? t('integrity.burstYes') : '' }),
          action ? h('td', null, action(m)) : null,
        ),
      ),
  });
}
