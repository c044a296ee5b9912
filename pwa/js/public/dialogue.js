/**
 * The public page of a dialogue (/d/{id}): what was asked, when, what happens next, and the
 * overall ranking of the released results (GET /api/v1/dialogues/{id}/public): the same
 * figures the release rule lets anyone read, no breakdown. Once the municipality has reported
 * back: per priority its decision and why, and the agenda that follows, with what residents
 * and organisations contribute. Dutch, English and Arabic.
 */
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { applyBrand } from '../brand.js';
import { sdgBadges } from '../sdg.js';
import { t, setLanguage, detectLanguage, language, languageInfo, formatNumber, LANGUAGES } from '../i18n.js';

const BUNDLE = 'public';
const main = document.getElementById('wg-main');

const dialogueId = () => (location.pathname.match(/^\/d\/(\d+)\/?$/) || [])[1];

/** A day (2026-12-31) in the page's language, e.g. "31 december 2026". */
function day(iso) {
  const [y, m, d] = String(iso).split('-').map(Number);
  return new Intl.DateTimeFormat(languageInfo().locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
}

function languageLinks() {
  return h(
    'nav',
    { class: 'wg-public__languages', 'aria-label': t('page.language') },
    h('ul', { class: 'wg-public__language-list' }, LANGUAGES.map((l) => h('li', null, h('a', {
      href: `?lang=${l.code}`, lang: l.code, hreflang: l.code, 'aria-current': l.code === language() ? 'true' : null, text: l.name,
    })))),
  );
}

function priorityLine(label, extra) {
  return [
    h('span', { class: 'wg-public__title', lang: 'nl', dir: 'auto', text: label.title }),
    ' ',
    h('span', { class: 'wg-public__theme', text: t(`theme.${label.themeKey}`) === `theme.${label.themeKey}` ? '' : t(`theme.${label.themeKey}`) }),
    ' ',
    sdgBadges(label.sdgs),
    extra,
  ];
}

function resultsSection(page) {
  const labels = new Map(page.priorities.map((p) => [p.id, p]));
  const title = h('h2', { id: 'wg-results-title', text: page.final ? t('page.resultsFinal') : t('page.results') });
  if (!page.ranking) {
    return h(
      'section',
      { class: 'wg-panel', 'aria-labelledby': 'wg-results-title', id: 'wg-results' },
      title,
      h('p', { id: 'wg-results-none', text: t('page.resultsNone', { min: page.minGroupSize }) }),
      h('h3', { text: t('page.priorities') }),
      h('ul', { class: 'wg-public__list' }, page.priorities.map((p) => h('li', null, priorityLine(p)))),
    );
  }
  return h(
    'section',
    { class: 'wg-panel', 'aria-labelledby': 'wg-results-title', id: 'wg-results' },
    title,
    h('p', { id: 'wg-results-count', text: t('page.resultsBased', { count: page.ballots }) }),
    h('p', { class: 'wg-muted', text: page.final ? t('page.resultsFinalNote') : t('page.resultsBatches') }),
    h('p', { class: 'wg-public__legend', id: 'wg-order-legend', text: t('page.legend') }),
    h('ol', { class: 'wg-public__list wg-public__ranking', id: 'wg-ranking' }, page.ranking.map((r) => h(
      'li',
      { dataset: { priority: r.id } },
      priorityLine(labels.get(r.id), h('span', { class: 'wg-public__figures' },
        t('page.score', { score: formatNumber(r.score * 100, { maximumFractionDigits: 0 }) }), ' · ',
        t('page.meanRank', { rank: formatNumber(r.meanRank, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) }))),
    ))),
  );
}

/** A text from the report back or agenda, marked with the language it is in. */
const inLanguage = (tag, attrs, value, lang) => h(tag, { ...attrs, lang, dir: 'auto', text: value });

function decisionSection(page) {
  const agendaIds = new Set((page.agenda || []).map((item) => item.id));
  return h(
    'section',
    { class: 'wg-panel', 'aria-labelledby': 'wg-report-back-title', id: 'wg-report-back' },
    h('h2', { id: 'wg-report-back-title', text: t('reportBack.title') }),
    h('p', { text: t('reportBack.intro', { municipality: page.municipalityName }) }),
    h('ul', { class: 'wg-public__list wg-public__decisions' }, page.reportBack.responses.map((r) => h(
      'li',
      { dataset: { priority: r.priorityId, decision: r.decision } },
      h('h3', { class: 'wg-public__decision-title', dir: 'auto', text: r.priority.title }),
      h('p', { class: `wg-public__decision wg-public__decision--${r.decision}` },
        h('span', { class: 'wg-public__decision-label', text: t('reportBack.decisionLabel') }), ' ',
        h('strong', { text: t(`reportBack.decision.${r.decision}`) })),
      inLanguage('p', { class: 'wg-public__reason' }, r.reason, r.language),
      r.agendaItems.length > 0 && [
        h('p', { class: 'wg-public__follows', text: t('reportBack.follows') }),
        h('ul', null, r.agendaItems.map((item) => h('li', null,
          agendaIds.has(item.id) ? h('a', { href: `#wg-agenda-item-${item.id}`, dir: 'auto', text: item.title }) : h('span', { dir: 'auto', text: item.title }),
          ' ', h('span', { class: 'wg-muted', text: `(${t(`agenda.status.${item.status}`)}, ${t(`agenda.horizon.${item.horizon}`)})` })))),
      ],
    ))),
  );
}

function contributionsText(contributions, minGroupSize) {
  if (contributions.residentPledges != null) return t('agenda.residents', { count: contributions.residentPledges });
  return t('agenda.residentsFew', { min: minGroupSize });
}

function agendaItem(item, page) {
  const fact = (label, value) => value && [h('dt', { text: label }), h('dd', null, value)];
  const period = item.startsOn && item.endsOn ? t('page.period', { start: day(item.startsOn), end: day(item.endsOn) })
    : item.startsOn ? t('agenda.from', { start: day(item.startsOn) })
      : item.endsOn ? t('agenda.until', { end: day(item.endsOn) }) : '';
  const organisations = item.contributions.organisations;
  return h(
    'li',
    { id: `wg-agenda-item-${item.id}`, class: 'wg-public__agenda-item' },
    inLanguage('h3', null, item.title, item.language),
    item.goal && inLanguage('p', null, item.goal, item.language),
    h('dl', { class: 'wg-public__facts' },
      fact(t('agenda.status'), t(`agenda.status.${item.status}`)),
      fact(t('agenda.horizon'), t(`agenda.horizon.${item.horizon}`)),
      fact(t('agenda.period'), period),
      fact(t('agenda.owner'), item.owner && h('span', { lang: 'nl', dir: 'auto', text: item.owner })),
      fact(t('agenda.partners'), item.partners.length > 0 && h('span', { lang: 'nl', dir: 'auto', text: item.partners.join(', ') })),
      fact(t('agenda.indicator'), item.indicator && h('span', { lang: 'nl', dir: 'auto', text: item.indicator })),
      fact(t('agenda.contributions'), [
        h('span', { text: contributionsText(item.contributions, page.minGroupSize) }),
        organisations.length > 0 && h('ul', null, organisations.map((o) => h('li', { lang: 'nl', dir: 'auto' },
          h('strong', { text: o.name }), o.kind ? ` (${o.kind})` : '', o.description ? `: ${o.description}` : ''))),
      ])),
  );
}

function agendaSection(page) {
  return h(
    'section',
    { class: 'wg-panel', 'aria-labelledby': 'wg-agenda-title', id: 'wg-agenda' },
    h('h2', { id: 'wg-agenda-title', text: t('agenda.title') }),
    page.agenda.length === 0
      ? h('p', { text: t('agenda.none') })
      : h('ul', { class: 'wg-public__list wg-public__agenda' }, page.agenda.map((item) => agendaItem(item, page))),
  );
}

function render(page) {
  document.title = t('page.title', { title: page.title });
  document.getElementById('wg-header-title').textContent = t('page.by', { municipality: page.municipalityName });
  replace(
    main,
    languageLinks(),
    h(
      'section',
      { class: 'wg-panel', 'aria-labelledby': 'wg-page-title' },
      h('h1', { id: 'wg-page-title', lang: 'nl', dir: 'auto', text: page.title }),
      page.question && [h('h2', { text: t('page.question') }), h('p', { class: 'wg-public__question', lang: 'nl', dir: 'auto', text: page.question })],
      h('h2', { text: t('page.when') }),
      h('p', { id: 'wg-period', text: t('page.period', { start: day(page.startsOn), end: day(page.endsOn) }) }),
    ),
    resultsSection(page),
    page.reportBack && decisionSection(page),
    page.agenda && agendaSection(page),
    h(
      'section',
      { class: 'wg-panel', 'aria-labelledby': 'wg-next-title', id: 'wg-next' },
      h('h2', { id: 'wg-next-title', text: t(page.reportBack ? 'page.privacyTitle' : 'page.next') }),
      !page.reportBack && h('p', { text: t('page.nextText', { end: day(page.endsOn), municipality: page.municipalityName }) }),
      h('p', { class: 'wg-muted', text: t('page.privacy', { min: page.minGroupSize }) }),
    ),
  );
}

async function boot() {
  const wanted = new URLSearchParams(location.search).get('lang') || detectLanguage();
  await setLanguage(wanted, [BUNDLE]);
  const id = dialogueId();
  const result = id ? await api(`/dialogues/${id}/public`) : { ok: false, status: 404 };
  if (!result.ok) {
    replace(main, languageLinks(), h('section', { class: 'wg-panel' }, h('h1', { text: t('app.name') }),
      h('p', { role: 'alert', text: t(result.status === 404 ? 'page.notFound' : 'page.error') })));
    return;
  }
  if (result.data.brandColour) applyBrand(result.data.brandColour);
  render(result.data);
}

boot();
