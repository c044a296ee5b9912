/**
 * The public page of a dialogue (/d/{id}): what was asked, when, what happens next, and the
 * overall ranking of the released results (GET /api/v1/dialogues/{id}/public): the same
 * figures the release rule lets anyone read, no breakdown. Dutch, English and Arabic.
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
    h(
      'section',
      { class: 'wg-panel', 'aria-labelledby': 'wg-next-title', id: 'wg-next' },
      h('h2', { id: 'wg-next-title', text: t('page.next') }),
      h('p', { text: t('page.nextText', { end: day(page.endsOn), municipality: page.municipalityName }) }),
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
