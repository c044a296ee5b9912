/**
 * Check-ins per session (read only for analysts): for each session of the dialogue the
 * signals of ballot stuffing, in a collapsed part whose summary says whether anything stands
 * out. Facilitators act on them in the console.
 */
import { h, replace } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import * as fmt from '../../js/staff/format.js';
import { problemAlert } from '../../js/staff/problems.js';
import { integrityFacts, integrityFlags, minutesTable } from '../../js/staff/integrity-view.js';

function warnings(signals) {
  return signals.flags.filter((f) => f !== 'presenceNotVerified').length;
}

export function renderIntegrity(section, { signals }) {
  const title = h('h2', { id: 'integrity-title', text: t('integrity.sectionTitle') });
  if (!signals.ok) {
    replace(section, title, problemAlert(signals, { role: null }));
    return;
  }
  if (!signals.data.length) {
    replace(section, title, h('p', { text: t('integrity.none') }));
    return;
  }
  replace(
    section,
    title,
    h('p', { text: t('integrity.sectionIntro') }),
    signals.data.map((session) => {
      const name = t('integrity.sessionCaption', { title: session.label, date: fmt.date(session.startsAt) });
      const count = warnings(session);
      return h(
        'details',
        { class: 'wg-integrity__session', dataset: { session: session.sessionId, warnings: String(count) } },
        h('summary', null, h('span', { text: name }), ' — ', h('span', { text: count ? t('integrity.flags.title') : t('integrity.flags.none') })),
        integrityFlags(session),
        integrityFacts(session),
        minutesTable(session, { caption: t('integrity.minutesCaptionRead', { title: name }) }),
      );
    }),
  );
}
