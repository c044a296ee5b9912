/**
 * The projector window: a large QR code and the join code in big letters, the live number of
 * check-ins and ballots, and the room's results once the release shows them. It runs in a
 * window of its own with a projector link (a token for this one session's screen, from
 * POST /sessions/{id}/projector-links), never with the facilitator's sign-in: a projector tab
 * left open shows and can do no more than the screen itself. The link arrives in the address
 * fragment (never sent to a server), is kept in this tab's sessionStorage and taken out of
 * the address bar. Live data comes from the session's event stream, read with fetch()
 * because EventSource cannot send the Authorization header.
 */
import { h, replace } from '../../js/dom.js';
import { API_BASE, api } from '../../js/api.js';
import { applyBrand } from '../../js/brand.js';
import { t, setLanguage, formatNumber, language, LANGUAGES } from '../../js/i18n.js';
import { followEvents } from '../../js/staff/sse.js';
import { sdgBadges } from '../../js/sdg.js';
import { barChart, rankedPriorities, rankedTable } from '../../js/staff/results-view.js';

const BUNDLE = '../console/i18n/projector';
const STORE_KEY = 'wg.projector';
const STAFF_KEY = 'wg.staff.session';
const main = document.getElementById('wg-main');

/** {sessionId, token} from the fragment (then kept in this tab only) or from this tab's store. */
function projectorLink() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const params = new URLSearchParams(location.search);
  let link = null;
  if (fragment.get('token') && params.get('session')) {
    link = { sessionId: params.get('session'), token: fragment.get('token') };
    sessionStorage.setItem(STORE_KEY, JSON.stringify(link));
    history.replaceState(null, '', `${location.pathname}${location.search}`);
  } else {
    try {
      link = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
    } catch {
      link = null;
    }
    if (link && link.sessionId !== params.get('session')) link = null;
  }
  return link;
}

/** A raw fetch with the projector token: {ok, status, response}. */
async function screenFetch(token, path, { accept = '*/*', signal } = {}) {
  try {
    const response = await fetch(API_BASE + path, {
      headers: { Accept: accept, Authorization: `Bearer ${token}` },
      credentials: 'omit',
      cache: 'no-store',
      signal,
    });
    return { ok: response.ok, status: response.status, response };
  } catch (error) {
    return { ok: false, status: 0, response: null, aborted: error && error.name === 'AbortError' };
  }
}

/** "https://gemeente.nl/c" without the scheme, for people to type. */
const typeable = (url) => String(url || '').replace(/^https?:\/\//, '');

function stopped(key) {
  replace(main, h('div', { class: 'wg-alert wg-alert--error', role: 'alert' }, h('p', { text: t(key) })));
}

function render({ link, view, lang }) {
  document.title = t('projector.pageTitle', { title: view.dialogueTitle });
  const where = view.title ? `${view.title} · ${view.venueName}` : view.venueName;
  const stage = h('section', { class: 'wg-projector', id: 'wg-projector', 'aria-labelledby': 'wg-projector-title' });
  const fullscreen = h('button', { type: 'button', class: 'wg-button wg-button--secondary', id: 'wg-fullscreen', text: t('projector.fullscreen') });
  fullscreen.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (stage.requestFullscreen) stage.requestFullscreen().catch(() => {});
  });
  const languages = h(
    'select',
    { class: 'wg-select', id: 'wg-projector-language' },
    LANGUAGES.map((l) => h('option', { value: l.code, lang: l.code, selected: l.code === lang, text: l.name })),
  );
  languages.addEventListener('change', () => {
    const params = new URLSearchParams(location.search);
    params.set('lang', languages.value);
    location.search = params.toString();
  });
  const connection = h('p', { class: 'wg-projector__connection', id: 'wg-connection', role: 'status', text: t('projector.connecting') });

  const qr = h('img', { class: 'wg-projector__qr', id: 'wg-qr', alt: t('projector.qrAlt', { title: view.dialogueTitle }), width: '480', height: '480' });
  const code = h('p', { class: 'wg-projector__code', id: 'wg-join-code' });
  const andType = h('span', { id: 'wg-and-type', text: t('projector.andType') });
  const countdown = h('p', { class: 'wg-projector__countdown', id: 'wg-countdown' });
  const checkIns = h('strong', { id: 'wg-count-checkins', text: '0' });
  const ballots = h('strong', { id: 'wg-count-ballots', text: '0' });
  const statusText = h('span', { id: 'wg-session-status', text: t(`status.${view.status}`) });
  const results = h('div', { class: 'wg-projector__results', id: 'wg-room-results' });

  replace(
    stage,
    h(
      'div',
      { class: 'wg-projector__head' },
      h('h1', { id: 'wg-projector-title', tabindex: '-1', lang: 'nl', dir: 'auto', text: view.dialogueTitle }),
      h('p', { class: 'wg-projector__where', lang: 'nl', dir: 'auto', text: `${where} · ${view.municipalityName}` }),
    ),
    h(
      'div',
      { class: 'wg-projector__join' },
      h('div', { class: 'wg-projector__qr-box' }, qr),
      h(
        'div',
        { class: 'wg-projector__how' },
        h('p', { class: 'wg-projector__step', text: t('projector.scan') }),
        h('p', { class: 'wg-projector__step' }, t('projector.orGoTo'), ' ', h('strong', { class: 'wg-projector__url', dir: 'ltr', text: typeable(view.joinPageUrl) }), ' ', andType),
        code,
        countdown,
      ),
    ),
    h(
      'div',
      { class: 'wg-projector__counts' },
      h('p', null, t('projector.checkIns'), ' ', checkIns),
      h('p', null, t('projector.ballots'), ' ', ballots),
      h('p', null, t('projector.status'), ' ', h('strong', null, statusText)),
    ),
    h('h2', { class: 'wg-projector__results-title', text: t('projector.resultsTitle') }),
    results,
  );
  replace(
    main,
    h(
      'div',
      { class: 'wg-projector-tools' },
      fullscreen,
      h('div', { class: 'wg-field wg-projector__language' }, h('label', { class: 'wg-label', for: 'wg-projector-language', text: t('projector.language') }), languages),
      connection,
    ),
    stage,
  );

  let qrUrl = null;
  let timer = 0;
  let ticker = 0;
  let ended = false;
  let liveBallots = 0;
  let lastResults = null;
  let stream = null;

  const end = (key) => {
    ended = true;
    if (stream) stream.stop();
    clearTimeout(timer);
    clearInterval(ticker);
    stopped(key);
  };
  const refused = (result) => result.status === 401 || result.status === 403 || result.status === 404;

  function showCode(joinCode) {
    code.replaceChildren(...[...joinCode].map((c) => h('span', { text: c })));
    code.classList.toggle('wg-projector__code--long', joinCode.length > 6);
    code.setAttribute('aria-label', t('projector.codeLabel', { code: [...joinCode].join(' ') }));
    andType.textContent = joinCode.length > 6 ? t('projector.andTypeAll', { count: joinCode.length }) : t('projector.andType');
  }

  async function loadQr() {
    const result = await screenFetch(link.token, `/sessions/${view.id}/qr?format=svg`, { accept: 'image/svg+xml' });
    if (ended) return;
    if (!result.ok) {
      if (refused(result)) end('projector.linkEnded');
      return;
    }
    const next = URL.createObjectURL(await result.response.blob());
    qr.src = next;
    if (qrUrl) URL.revokeObjectURL(qrUrl);
    qrUrl = next;
  }

  async function rotate() {
    const result = await api(`/sessions/${view.id}/rotating-code`, { token: link.token });
    if (ended) return;
    if (!result.ok) {
      if (refused(result)) end('projector.linkEnded');
      else timer = setTimeout(rotate, 5000);
      return;
    }
    const { joinCode, validUntil, rotatesEverySeconds } = result.data;
    showCode(joinCode);
    await loadQr();
    const period = (rotatesEverySeconds || 30) * 1000;
    const until = Date.parse(validUntil);
    const wait = Math.max(1000, Math.min(period, (Number.isNaN(until) ? period : until - Date.now()) + 300));
    const due = Date.now() + wait;
    clearInterval(ticker);
    const tick = () => {
      countdown.textContent = t('projector.nextCode', { count: Math.max(0, Math.ceil((due - Date.now()) / 1000)) });
    };
    tick();
    ticker = setInterval(tick, 1000);
    timer = setTimeout(rotate, wait);
  }

  /** Why the room sees no ranking, truthfully: too few released, waiting for the next release,
   * or hidden to protect another group. */
  function noRankingReason(group, minGroupSize) {
    if (group && group.suppressedReason === 'protectsAnother') return t('projector.resultsProtecting');
    if (liveBallots >= minGroupSize) return t('projector.resultsNextRelease');
    return t('projector.resultsWaitingCount', { count: minGroupSize });
  }

  function showResults(document_) {
    lastResults = document_;
    if (!view.showResults) {
      replace(results, h('p', { id: 'wg-results-reason', text: t('projector.resultsOff') }));
      return;
    }
    const group = (document_.groups || []).find((g) => g.kind === 'session') || (document_.groups || [])[0];
    if (!group || group.suppressed || !group.priorities) {
      replace(results, h('p', { id: 'wg-results-reason', dataset: { reason: (group && group.suppressedReason) || 'tooFew' }, text: noRankingReason(group, document_.minGroupSize) }));
      return;
    }
    const sdgs = new Map((document_.priorities || []).map((p) => [p.id, p.sdgs || []]));
    const ranked = rankedPriorities(document_, group);
    const chart = barChart(ranked, { caption: t('projector.chartCaption'), limit: 5 });
    for (const row of chart.querySelectorAll('.wg-bars__row')) {
      const badges = sdgBadges(sdgs.get(Number(row.dataset.priority)));
      if (badges) row.querySelector('.wg-bars__label').append(' ', badges);
    }
    const table = rankedTable(ranked, { caption: t('projector.tableCaption'), compact: true });
    for (const cell of table.querySelectorAll('tbody th')) {
      const badges = sdgBadges(sdgs.get(Number(cell.parentElement.dataset.priority)));
      if (badges) cell.append(' ', badges);
    }
    replace(
      results,
      h('p', { class: 'wg-projector__legend', id: 'wg-order-legend', text: t('projector.legend') }),
      h('p', { class: 'wg-projector__results-note', text: t('projector.resultsNote', { count: group.ballots }) }),
      chart,
      h('details', { class: 'wg-projector__table' }, h('summary', { text: t('projector.asTable') }), table),
    );
  }

  if (view.checkInMode === 'rotating') rotate();
  else {
    showCode(view.joinCode);
    loadQr();
  }
  showResults({ groups: [], minGroupSize: view.minGroupSize, priorities: [] });

  stream = followEvents(`/sessions/${view.id}/live`, {
    fetcher: (path, options) => screenFetch(link.token, path, options),
    onState: (stateName, result) => {
      connection.textContent = t(`projector.connection.${stateName}`);
      if (stateName === 'stopped' && result && refused(result)) end('projector.linkEnded');
    },
    onEvent: (event) => {
      if (event.event === 'status') {
        const data = JSON.parse(event.data);
        liveBallots = data.ballots;
        checkIns.textContent = formatNumber(data.checkIns);
        ballots.textContent = formatNumber(data.ballots);
        statusText.textContent = t(`status.${data.status}`);
        if (lastResults) showResults(lastResults);
      } else if (event.event === 'results') {
        showResults(JSON.parse(event.data));
      }
    },
  });
  document.documentElement.dataset.projectorLanguage = language();
}

async function boot() {
  // A window opened from the console may have been handed a copy of its sessionStorage:
  // the projector keeps no staff sign-in, not even a copy.
  sessionStorage.removeItem(STAFF_KEY);
  const lang = new URLSearchParams(location.search).get('lang') || 'nl';
  await setLanguage(lang, [BUNDLE]);
  const link = projectorLink();
  if (!link) return stopped('projector.noLink');
  const result = await api(`/sessions/${encodeURIComponent(link.sessionId)}/projector`, { token: link.token });
  if (!result.ok) return stopped(result.status === 0 ? 'projector.connection.stopped' : 'projector.linkEnded');
  if (result.data.brandColour) applyBrand(result.data.brandColour);
  render({ link, view: result.data, lang: language() });
  return null;
}

boot();
