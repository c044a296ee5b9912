/**
 * The projector view: a large QR code and the join code in big letters, the live number of
 * check-ins and ballots, and the room's results once enough people voted. A rotating session
 * gets a fresh code and QR every rotation. Live data comes from the session's event stream,
 * read with fetch() because EventSource cannot send the Authorization header.
 */
import { h, replace } from '../../js/dom.js';
import { icon } from '../../js/icons.js';
import { t, formatNumber } from '../../js/i18n.js';
import { staffApi, staffFetch } from '../../js/staff/auth.js';
import { problemAlert } from '../../js/staff/problems.js';
import { followEvents } from '../../js/staff/sse.js';
import { barChart, rankedPriorities, rankedTable } from '../../js/staff/results-view.js';

/** "https://gemeente.nl/c" without the scheme, for people to type. */
function joinPage(checkInUrl) {
  return String(checkInUrl || '').replace(/^https?:\/\//, '').replace(/\/[^/]*$/, '');
}

export async function renderProjector({ app, main, session, dialogue }) {
  document.body.classList.add('wg-console--projector');
  const title = session.title || session.venue.name;
  const back = h(
    'a',
    {
      class: 'wg-button wg-button--secondary',
      href: `?dialogue=${session.dialogueId}`,
      onclick: (event) => {
        event.preventDefault();
        app.navigate({ dialogue: String(session.dialogueId) });
      },
    },
    icon('previous', { mirror: true }),
    h('span', { text: t('projector.back') }),
  );
  const stage = h('section', { class: 'wg-projector', id: 'wg-projector', 'aria-labelledby': 'wg-projector-title' });
  const fullscreen = h('button', { type: 'button', class: 'wg-button wg-button--secondary', id: 'wg-fullscreen' }, t('projector.fullscreen'));
  fullscreen.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (stage.requestFullscreen) stage.requestFullscreen().catch(() => {});
  });
  const connection = h('p', { class: 'wg-projector__connection', id: 'wg-connection', text: t('projector.connecting') });
  const messages = h('div');

  const qr = h('img', { class: 'wg-projector__qr', id: 'wg-qr', alt: t('projector.qrAlt', { title }), width: '480', height: '480' });
  const code = h('p', { class: 'wg-projector__code', id: 'wg-join-code' });
  const andType = h('span', { id: 'wg-and-type', text: t('projector.andType') });
  const countdown = h('p', { class: 'wg-projector__countdown', id: 'wg-countdown' });
  const checkIns = h('strong', { id: 'wg-count-checkins', text: '0' });
  const ballots = h('strong', { id: 'wg-count-ballots', text: '0' });
  const statusText = h('span', { id: 'wg-session-status', text: t(`status.${session.status}`) });
  const results = h('div', { class: 'wg-projector__results', id: 'wg-room-results' }, h('p', { text: t('projector.resultsWaiting') }));

  replace(
    stage,
    h(
      'div',
      { class: 'wg-projector__head' },
      h('h1', { id: 'wg-projector-title', tabindex: '-1', text: dialogue ? dialogue.title : title }),
      h('p', { class: 'wg-projector__where', text: `${title} · ${session.venue.name}` }),
    ),
    h(
      'div',
      { class: 'wg-projector__join' },
      h('div', { class: 'wg-projector__qr-box' }, qr),
      h(
        'div',
        { class: 'wg-projector__how' },
        h('p', { class: 'wg-projector__step', text: t('projector.scan') }),
        h('p', { class: 'wg-projector__step' }, t('projector.orGoTo'), ' ', h('strong', { class: 'wg-projector__url', text: joinPage(session.checkInUrl) }), ' ', andType),
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
  replace(main, h('div', { class: 'wg-projector-tools' }, back, fullscreen, connection), messages, stage);

  let qrUrl = null;
  let timer = 0;
  let ticker = 0;
  let stopped = false;

  function showCode(joinCode) {
    code.replaceChildren(...[...joinCode].map((c) => h('span', { text: c })));
    code.classList.toggle('wg-projector__code--long', joinCode.length > 6);
    code.setAttribute('aria-label', t('projector.codeLabel', { code: [...joinCode].join(' ') }));
    andType.textContent = joinCode.length > 6 ? t('projector.andTypeAll', { count: joinCode.length }) : t('projector.andType');
  }

  async function loadQr() {
    const result = await staffFetch(`/sessions/${session.id}/qr?format=svg`, { accept: 'image/svg+xml' });
    if (stopped) return;
    if (!result.ok) {
      if (result.status !== 401) replace(messages, problemAlert(result));
      return;
    }
    const blob = await result.response.blob();
    if (stopped) return;
    const next = URL.createObjectURL(blob);
    qr.src = next;
    if (qrUrl) URL.revokeObjectURL(qrUrl);
    qrUrl = next;
  }

  async function rotate() {
    const result = await staffApi(`/sessions/${session.id}/rotating-code`);
    if (stopped) return;
    if (!result.ok) {
      if (result.status !== 401) replace(messages, problemAlert(result));
      timer = setTimeout(rotate, 5000);
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
      const seconds = Math.max(0, Math.ceil((due - Date.now()) / 1000));
      countdown.textContent = t('projector.nextCode', { count: seconds });
    };
    tick();
    ticker = setInterval(tick, 1000);
    timer = setTimeout(rotate, wait);
  }

  if (session.checkInMode === 'rotating') rotate();
  else {
    showCode(session.joinCode);
    loadQr();
  }

  const stream = followEvents(`/sessions/${session.id}/live`, {
    onState: (stateName, result) => {
      connection.textContent = t(`projector.connection.${stateName}`);
      if (stateName === 'stopped' && result && result.status !== 401) replace(messages, problemAlert(result));
    },
    onEvent: (event) => {
      if (event.event === 'status') {
        const data = JSON.parse(event.data);
        checkIns.textContent = formatNumber(data.checkIns);
        ballots.textContent = formatNumber(data.ballots);
        statusText.textContent = t(`status.${data.status}`);
      } else if (event.event === 'results') {
        showResults(JSON.parse(event.data));
      }
    },
  });

  function showResults(document_) {
    const group = (document_.groups || []).find((g) => g.kind === 'session') || (document_.groups || [])[0];
    if (!group || group.suppressed || !group.priorities) {
      const reason = group && group.suppressedReason === 'protectsAnother'
        ? t('projector.resultsProtecting')
        : t('projector.resultsWaitingCount', { count: document_.minGroupSize });
      replace(results, h('p', { text: reason }));
      return;
    }
    const ranked = rankedPriorities(document_, group);
    replace(
      results,
      h('p', { class: 'wg-projector__results-note', text: t('projector.resultsNote', { count: group.ballots }) }),
      barChart(ranked, { caption: t('projector.chartCaption'), limit: 5 }),
      h('details', { class: 'wg-projector__table' }, h('summary', { text: t('projector.asTable') }), rankedTable(ranked, { caption: t('projector.tableCaption'), compact: true })),
    );
  }

  app.onCleanup(() => {
    stopped = true;
    stream.stop();
    clearTimeout(timer);
    clearInterval(ticker);
    if (qrUrl) URL.revokeObjectURL(qrUrl);
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  });
}
