/**
 * The resident app: screens, header/footer/status line, check-in, sending, shared tablet.
 * /c/<code> is a session, /, /c and /c/ "type the code"; the hash names the screen
 * (#welcome … #thanks, #privacy, #accessibility) so the back button works.
 */
import { h, replace, focusElement } from '../dom.js';
import { icon } from '../icons.js';
import * as i18n from '../i18n.js';
import { t } from '../i18n.js';
import { applyBrand } from '../brand.js';
import * as net from '../api.js';
import * as J from './journey.js';
import { panel, button, notice, problemBlock } from './ui.js';
import { join, welcome, languageStep, neighbourhood, age, statement, resetProfile } from './screens/start.js';

const SCREENS = { welcome, language: languageStep, neighbourhood, age };
let finish = null;
// The later screens start loading now but do not hold up the first one.
const later = Promise.all([import('./screens/rank.js'), import('./screens/finish.js')]).then(([r, f]) => {
  finish = f;
  Object.assign(SCREENS, { rank: r.rank, pledge: f.pledge, thanks: f.thanks });
  document.documentElement.dataset.wgLoaded = 'true'; // the whole journey is on the device now
});
const resetFinish = () => finish && finish.resetFinish();
// Steps whose screen loads only when a journey reaches them.
const ON_DEMAND = { about: () => import('./screens/about-you.js').then((m) => { SCREENS.about = m.aboutYou; }) };
const STATEMENTS = ['privacy', 'accessibility'];
const el = {};
const app = { code: null, journey: null, tablet: false, items: [], view: null, section: null, joinState: null, checkIn: null, fromApp: false, busy: false, ready: false, bundles: [], unreachable: false, probeTimer: 0, bootLang: null };

/* ---------- Saving and context ---------- */

function save() {
  if (!app.journey) return;
  app.journey.updatedAt = new Date().toISOString();
  J.saveJourney(app.code, app.journey);
}

function update(patch) {
  Object.assign(app.journey, patch);
  save();
}

function themeOf(key) {
  const theme = (app.journey.themes || []).find((x) => x.key === key);
  let name = key;
  if (i18n.has(`theme.${key}`)) name = t(`theme.${key}`);
  else if (theme) name = i18n.language() === 'nl' ? theme.nameNl : theme.nameEn;
  return { name, icon: (theme && theme.icon) || J.THEME_ICONS[key] || 'circle', sdgs: (theme && theme.sdgs) || [] };
}

function statusOf(id) {
  const item = app.items.find((i) => i.id === id);
  return item ? { state: item.state, problem: item.problem } : { state: 'unknown' };
}

/** Whether the resident's answers were refused because the session closed before they came. */
function arrivedAfterClosing() {
  const j = app.journey;
  if (!j || !j.ballotItemId) return false;
  const { state, problem } = statusOf(j.ballotItemId);
  return state === 'failed' && ['session-ended', 'session-not-started'].includes(net.kindOf(problem));
}

function context() {
  const j = app.journey;
  return {
    journey: j,
    session: j && j.checkIn.session,
    tablet: app.tablet,
    progress: j && J.progressOf(j, j.step),
    api: net.api,
    go,
    next: () => go(J.nextStep(j, j.step)),
    back: () => go(J.previousStep(j, j.step)),
    update,
    rerender: () => render({ focus: 'none' }),
    chooseLanguage,
    themeOf,
    statusOf,
    submitBallot,
    submitPledge,
    nextPerson,
    joinState: app.joinState,
    joinError: (code, error) => { app.joinState = { code, error }; render({ focus: 'none' }); },
    earlierJourneys: app.code ? [] : J.journeys(),
    closeStatement,
  };
}

/* ---------- Read aloud (the device's own speech synthesis; no button where there is none) ---------- */

const canSpeak = 'speechSynthesis' in window && typeof SpeechSynthesisUtterance === 'function';
let speaking = false;

function setSpeaking(value) {
  speaking = value;
  const b = document.getElementById('wg-read-aloud');
  if (b) {
    replace(b, icon(value ? 'stop' : 'speaker'), t(value ? 'read.stop' : 'read.start'));
    b.setAttribute('aria-pressed', String(value));
  }
}

function stopSpeaking() {
  if (canSpeak) speechSynthesis.cancel();
  if (speaking) setSpeaking(false);
}

/** The screen's text in reading order, split into short parts (long ones get cut off). */
function readAloud() {
  if (speaking) return stopSpeaking();
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === 3) parts.push(node.textContent);
    else if (node.nodeType === 1 && !node.hidden && node.getAttribute('aria-hidden') !== 'true') {
      const block = /^(P|H\d|LI|DIV|LABEL|LEGEND|BUTTON|DT|DD|SECTION)$/.test(node.tagName);
      if (block) parts.push('\n');
      node.childNodes.forEach(walk);
      if (block) parts.push('\n');
    }
  };
  walk(el.content);
  const chunks = parts.join(' ').split(/\s*\n\s*/).flatMap((line) => line.match(/[^.!?؟]+[.!?؟]*/g) || []).map((s) => s.trim()).filter(Boolean);
  if (!chunks.length) return null;
  const { locale } = i18n.languageInfo();
  const voice = speechSynthesis.getVoices().find((v) => v.lang && v.lang.toLowerCase().startsWith(locale.slice(0, 2)));
  speechSynthesis.cancel();
  setSpeaking(true);
  chunks.forEach((chunk, index) => {
    const u = new SpeechSynthesisUtterance(chunk);
    u.lang = locale;
    u.rate = 0.95;
    if (voice) u.voice = voice;
    u.onerror = () => setSpeaking(false);
    if (index === chunks.length - 1) u.onend = () => setSpeaking(false);
    speechSynthesis.speak(u);
  });
  return null;
}

/* ---------- Header, footer, status line ---------- */

function renderChrome() {
  const session = app.journey && app.journey.checkIn.session;
  const current = i18n.languageInfo();
  const details = h('details', { class: 'wg-lang', id: 'wg-language' },
    h('summary', { class: 'wg-button' }, icon('globe'), h('span', { lang: current.code, text: current.name }),
      h('span', { class: 'wg-visually-hidden', text: ` – ${t('lang.label')}` })),
    h('ul', { class: 'wg-lang__menu' }, i18n.LANGUAGES.map((lang) => h('li', null, h('button', {
      type: 'button', class: 'wg-button wg-button--subtle', lang: lang.code, dir: lang.dir,
      'aria-current': lang.code === current.code ? 'true' : null,
      onclick: () => {
        details.open = false;
        if (lang.code === current.code) focusElement(details.firstChild);
        else chooseLanguage(lang.code, { focus: 'language' });
      },
    }, lang.code === current.code && icon('check'), lang.name)))));
  details.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && details.open) { details.open = false; focusElement(details.firstChild); }
  });
  replace(el.header, h('div', { class: 'wg-header__inner' },
    h('p', { class: 'wg-header__title' }, session ? session.municipalityName : t('app.name'), session && h('span', { class: 'wg-header__sub', text: t('app.name') })),
    h('div', { class: 'wg-header__tools' },
      app.tablet && h('span', { class: 'wg-badge', text: t('tablet.badge') }),
      details,
      canSpeak && h('button', { type: 'button', class: 'wg-button', id: 'wg-read-aloud', 'aria-pressed': 'false', onclick: readAloud }))));
  if (canSpeak) setSpeaking(speaking);
  replace(el.footer, h('div', { class: 'wg-footer__inner' },
    h('nav', { 'aria-label': t('footer.nav') }, h('ul', { class: 'wg-footer__links' },
      h('li', null, h('a', { href: '#privacy', id: 'wg-link-privacy', text: t('footer.privacy') })),
      h('li', null, h('a', { href: '#accessibility', id: 'wg-link-accessibility', text: t('footer.accessibility') })))),
    h('p', { class: 'wg-footer__note' }, session ? t('footer.madeFor', { municipality: session.municipalityName }) : t('app.name'), ' · ', t('footer.noCookies'))));
  renderStatus();
}

/** Offline notice, answers waiting on this device, answers refused; announced once each. */
function renderStatus() {
  const waiting = app.items.filter((i) => i.state === 'pending').length;
  const failed = app.items.filter((i) => i.state === 'failed').length;
  const onThanks = app.journey && app.journey.step === 'thanks' && !currentStatement();
  const parts = [
    (!navigator.onLine || app.unreachable) && notice('warning', 'alert', null, t('net.offline')),
    waiting > 0 && notice('info', 'phone', null, t(app.tablet ? 'outbox.waiting.tablet' : 'outbox.waiting.phone', { count: waiting })),
    failed > 0 && !onThanks && !arrivedAfterClosing() && notice('error', 'alert', null, t('outbox.failedNotice', { count: failed })),
  ].filter(Boolean);
  const message = parts.map((p) => p.textContent).join('|');
  if (el.status.dataset.message !== message) {
    el.status.dataset.message = message;
    replace(el.status, parts);
  }
}

/* ---------- Screens ---------- */

const currentStatement = () => STATEMENTS.find((s) => location.hash === `#${s}`) || null;
const message = (name, title, ...body) => panel({ name, title, body });

function checkInView() {
  const state = app.checkIn || { phase: 'loading' };
  if (state.phase === 'loading') return message('loading', t('checkin.loadingTitle'), h('p', { text: t('checkin.loading') }));
  if (state.phase === 'busy') return message('loading', t('checkin.loadingTitle'), notice('info', 'clock', t('checkin.busy', { seconds: state.seconds })));
  const { result } = state;
  const retry = button(t('action.retry'), () => checkIn(), { id: 'wg-retry', iconName: 'refresh' });
  if (result.status === 0) {
    return message('checkin-error', t('checkin.offlineTitle'), notice('warning', 'alert', null, h('p', { text: t('checkin.offline') })), h('div', { class: 'wg-button-row' }, retry));
  }
  const m = net.problemMessage(result);
  let title = m.title;
  // An expired or incomplete code goes back to the code form instead (see checkIn).
  const kind = net.kindOf(result.problem);
  if (kind === 'session-ended' || kind === 'session-not-started') title = t('checkin.notOpen');
  // An ended session's QR code leads on to the dialogue's page: results and the municipality's answer.
  const publicPage = kind === 'session-ended' && (String(result.link || '').match(/<(\/d\/\d+)>/) || [])[1];

  return message('checkin-error', title, notice('error', 'alert', null, problemBlock(m)),
    publicPage && h('p', null, h('a', { href: `${publicPage}?lang=${i18n.language()}`, id: 'wg-public-page', text: t('thanks.publicPage') })),
    h('div', { class: 'wg-button-row' }, retry, h('a', { href: '/c', class: 'wg-button wg-button--secondary', text: t('checkin.typeCode') })));
}

/**
 * Show what the address and journey call for. focus: 'heading' after navigating (screen
 * readers start at the new h1), 'language' after a language change, or 'none'.
 */
function render({ focus = 'heading' } = {}) {
  if (app.view && app.view.leave) app.view.leave();
  const ctx = context();
  const which = currentStatement();
  const j = app.journey;
  let view = null;
  let section;
  if (which && !i18n.has(`${which}.title`)) {
    section = message('loading', t('checkin.loadingTitle'), h('p', { text: t('statement.loading') }));
    i18n.loadBundles(['statements']).then(
      () => currentStatement() === which && render({ focus }),
      () => currentStatement() === which && replace(el.content, message('statement-error', t('problem.network'), h('p', { text: t('statement.offline') }), button(t('action.close'), closeStatement, { variant: 'secondary' }))),
    );
  } else if (which) section = statement(ctx, which);
  else if (!app.code) section = join(ctx);
  else if (!j) section = checkInView();
  else if (!J.tokenValid(j) && j.step !== 'thanks') {
    section = message('ended', t('checkin.endedTitle'), h('p', { text: t('checkin.ended') }), h('div', { class: 'wg-button-row' }, button(t('checkin.startAgain'), nextPerson, { id: 'wg-start-again' })));
  } else if (['about', 'pledge', 'thanks'].includes(j.step) && arrivedAfterClosing()) {
    section = message('closed', t('closed.title'), h('p', { text: t('closed.text') }),
      app.tablet && h('div', { class: 'wg-button-row' }, button(t('checkin.startAgain'), nextPerson, { id: 'wg-start-again' })));
  } else if (!SCREENS[j.step] && J.stepsOf(j).includes(j.step)) {
    section = message('loading', t('checkin.loadingTitle'), h('p', { text: t('checkin.loading') }));
    const step = j.step;
    // An optional step that cannot load (offline before it was ever used) is passed.
    const pass = () => {
      const next = J.nextStep(j, step);
      update({ step: next, reached: Math.max(j.reached || 0, J.STEPS.indexOf(next)) });
      history.replaceState(null, '', `#${next}`);
    };
    const load = ON_DEMAND[step] ? ON_DEMAND[step]().catch(pass) : later;
    load.then(() => render({ focus }), () => replace(el.content, message('load-error', t('problem.network'),
      h('p', { text: t('problem.network.help') }), button(t('action.retry'), () => location.reload(), { id: 'wg-retry' }))));
  } else {
    if (!J.stepsOf(j).includes(j.step)) j.step = 'welcome';
    view = SCREENS[j.step];
    section = view(ctx);
  }
  replace(el.content, section);
  app.view = view;
  app.section = section;
  const heading = section.querySelector('h1');
  document.title = `${heading ? heading.textContent : ''} – ${t('app.name')}`;
  renderStatus();
  if (focus === 'heading' && heading) {
    scrollTo(0, 0);
    focusElement(heading);
  } else if (focus === 'language') focusElement(el.header.querySelector('summary'));
}

function go(step) {
  if (!app.journey) return;
  stopSpeaking();
  app.journey.step = step;
  app.journey.reached = Math.max(app.journey.reached || 0, J.STEPS.indexOf(step));
  save();
  history.pushState(null, '', `#${step}`);
  render();
}

function onHashChange() {
  stopSpeaking();
  const hash = location.hash.slice(1);
  if (STATEMENTS.includes(hash)) app.fromApp = true;
  else if (app.journey && J.mayOpen(app.journey, hash)) update({ step: hash });
  render();
}

function closeStatement() {
  if (app.fromApp) {
    app.fromApp = false;
    history.back();
    return;
  }
  history.replaceState(null, '', app.journey ? `#${app.journey.step}` : location.pathname);
  render();
}

async function chooseLanguage(code, { advance = false, focus = 'heading' } = {}) {
  try {
    await i18n.setLanguage(code, i18n.has('privacy.title') ? [...app.bundles, 'statements'] : app.bundles);
  } catch {
    return; // the texts could not be loaded (offline before a first full visit): keep the language
  }
  stopSpeaking();
  if (!app.tablet) J.setSetting('lang', code);
  else if (app.journey) update({ lang: code });
  renderChrome();
  if (advance && app.journey) go(J.nextStep(app.journey, 'language'));
  else render({ focus });
  rereadTexts();
}

/**
 * The dialogue's texts in the app's language (Dutch where a text has no translation, each
 * saying which), read again when the language changed since they were read; the journey
 * keeps them for offline use. Offline they stay as they are (marked) until the next try.
 */
async function rereadTexts() {
  const j = app.journey;
  const lang = i18n.language();
  if (!j || j.textLang === lang || !J.tokenValid(j)) return;
  const result = await net.api(`/sessions/${j.checkIn.session.id}/resident-view`, {
    token: j.checkIn.participantToken, headers: { 'Accept-Language': lang },
  });
  if (!result.ok || app.journey !== j || i18n.language() !== lang) return;
  Object.assign(j.checkIn, { session: result.data.session, priorities: result.data.priorities });
  j.textLang = lang;
  save();
  const focused = document.activeElement && el.content.contains(document.activeElement) && document.activeElement.id;
  render({ focus: 'none' });
  if (focused && document.getElementById(focused)) focusElement(document.getElementById(focused));
}

/* ---------- Checking in ---------- */

function markReady() {
  if (app.ready) return;
  app.ready = true;
  document.documentElement.dataset.wgReady = 'true';
  performance.mark('wg-interactive'); // what the first-visit benchmark measures
}

async function checkIn(early) {
  app.checkIn = { phase: 'loading' };
  if (!early) render({ focus: 'none' });
  for (let attempt = 1; ; attempt += 1) {
    const first = attempt === 1 && early ? await early.then(net.readResponse).catch(() => null) : null;
    const textLang = first ? app.bootLang : i18n.language();
    const result = first || (await net.api('/check-ins', { method: 'POST', body: { joinCode: app.code }, headers: { 'Accept-Language': textLang } }));
    if (result.ok) {
      app.journey = J.newJourney(app.code, result.data);
      app.journey.textLang = textLang;
      if (app.tablet) app.journey.lang = i18n.language();
      save();
      applyBrand(result.data.session.brandColour);
      history.replaceState(null, '', '#welcome');
      renderChrome();
      render({ focus: 'none' });
      markReady();
      loadExtras();
      rereadTexts();
      return;
    }
    const kind = net.kindOf(result.problem);
    if (result.status === 404 || kind === 'code-incomplete' || kind === 'code-expired') {
      // Back to typing the code, with what was typed and what to do in the resident's words.
      const error = result.status === 404 ? t('join.notFound', { code: app.code }) : t(kind === 'code-expired' ? 'join.expired' : 'join.incomplete');
      app.joinState = { code: app.code, error };
      app.code = null;
      break;
    }
    if (!result.retryable || result.status === 0 || attempt >= 6) {
      app.checkIn = { phase: 'error', result };
      break;
    }
    const wait = net.nextDelayMs(attempt, result); // busy (429) or a server error: try again
    app.checkIn = { phase: 'busy', seconds: Math.ceil(wait / 1000) };
    render({ focus: 'none' });
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  renderChrome();
  render({ focus: 'none' });
  markReady();
}

/** The municipality's themes and neighbourhoods, kept with the journey for offline use. */
async function loadExtras() {
  const j = app.journey;
  const m = encodeURIComponent(j.checkIn.session.municipality);
  const [themes, places] = await Promise.all([
    !j.themes && net.api(`/municipalities/${m}/themes`),
    !j.neighbourhoods && net.api(`/municipalities/${m}/neighbourhoods`),
  ]);
  if (app.journey !== j) return;
  if (themes && themes.ok) j.themes = themes.data;
  if (places && places.ok) j.neighbourhoods = places.data;
  else if (places && places.status === 404) j.neighbourhoods = [];
  save();
  if (j.step === 'neighbourhood') render({ focus: 'none' }); // the choices arrived while it was open
}

/* ---------- Sending ---------- */

async function refreshItems() {
  const wasClosed = arrivedAfterClosing();
  app.items = app.journey ? await net.outboxItems(app.journey.journeyId).catch(() => app.items) : [];
  renderStatus();
  if (arrivedAfterClosing() !== wasClosed && ['about', 'pledge', 'thanks'].includes(app.journey.step)) render();
  else if (app.view && app.view.refresh) app.view.refresh(context(), app.section);
}

async function send(kind, method, path, body) {
  const j = app.journey;
  const item = await net.enqueue({ journeyId: j.journeyId, joinCode: app.code, kind, method, url: `${net.API_BASE}${path}`, token: j.checkIn.participantToken, body });
  return item.id;
}

async function once(work) {
  if (app.busy) return;
  app.busy = true;
  try {
    await work();
  } finally {
    app.busy = false;
  }
}

const submitBallot = () => once(async () => {
  const j = app.journey;
  const body = J.ballotBody(j);
  const json = JSON.stringify(body);
  const last = j.ballotItemId && statusOf(j.ballotItemId);
  if (json !== j.ballotSentBody || !last || last.state === 'failed') {
    update({ ballotItemId: await send('ballot', 'PUT', `/sessions/${j.checkIn.session.id}/ballot`, body), ballotSentBody: json });
    // Online, the answer is usually there within a moment: wait that long (no more), so that
    // a session closed meanwhile is said at once instead of after showing the pledge step.
    await Promise.race([net.flush({ force: true }), new Promise((resolve) => setTimeout(resolve, 2500))]);
  }
  await refreshItems();
  go(J.nextStep(j, j.step));
});

const submitPledge = (body) => once(async () => {
  const j = app.journey;
  const itemId = await send('pledge', 'POST', `/sessions/${j.checkIn.session.id}/pledges`, body);
  j.pledges.push({ itemId, kind: body.kind });
  update({ pledgeDraft: J.emptyPledge() });
  resetFinish();
  await refreshItems();
  go('thanks');
});

/** Shared tablet (or an ended session): forget this person entirely, check in afresh. */
async function nextPerson() {
  stopSpeaking();
  resetFinish();
  resetProfile();
  if (app.journey) await net.forgetJourney(app.journey.journeyId);
  J.removeJourney(app.code);
  app.journey = null;
  app.items = [];
  history.replaceState(null, '', location.pathname);
  if (app.tablet) await i18n.setLanguage(i18n.detectLanguage(), app.bundles).catch(() => null);
  renderChrome();
  await checkIn();
  focusElement(el.content.querySelector('h1'));
}

/* ---------- Start ---------- */

export async function start(boot) {
  for (const id of ['header', 'status', 'content', 'footer']) el[id] = document.getElementById(`wg-${id}`);
  document.getElementById('wg-skip').addEventListener('click', (e) => {
    e.preventDefault();
    focusElement(el.content.querySelector('h1'));
  });
  app.bundles = ['resident'];
  app.bootLang = boot.lang;
  app.code = J.codeFromPath();
  const param = new URLSearchParams(location.search).get('tablet');
  if (app.code && param) {
    J.setSetting(`tablet:${app.code}`, param === '1' || null);
    history.replaceState(null, '', location.pathname + location.hash); // the setting stays on this device
  }
  app.tablet = Boolean(app.code && J.getSetting(`tablet:${app.code}`));
  app.journey = app.code && J.loadJourney(app.code);
  if (app.journey) applyBrand(app.journey.checkIn.session.brandColour);
  try {
    i18n.provide('resident', boot.lang, boot.texts);
    await i18n.setLanguage(boot.lang, app.bundles);
  } catch {
    try {
      await i18n.setLanguage(i18n.DEFAULT_LANGUAGE, app.bundles);
    } catch {
      replace(el.content, h('section', { class: 'wg-panel' },
        h('h1', { text: 'Geen verbinding · No connection' }),
        h('p', { text: 'De app kon niet laden. Probeer het opnieuw als je internet hebt.' }),
        h('p', { lang: 'en', text: 'The app could not load. Please try again when you are online.' }),
        h('button', { type: 'button', class: 'wg-button', onclick: () => location.reload(), text: 'Opnieuw · Retry' })));
      markReady();
      return;
    }
  }
  addEventListener('hashchange', onHashChange);
  document.addEventListener('click', (e) => { // close the language menu when tapping elsewhere
    const menu = document.getElementById('wg-language');
    if (menu && menu.open && !menu.contains(e.target)) menu.open = false;
  });
  // "No internet" when the browser says so, and also when the server could not be reached:
  // navigator.onLine stays true on a Wi-Fi without a way out, and a page that has just opened
  // (from the service worker's cache) may read it before it is up to date. So the app asks the
  // server itself when it opens, when the browser reports a change, and again every 20 s while
  // it cannot reach it; every other request tells it too.
  net.onReachability((reachable) => {
    clearTimeout(app.probeTimer);
    if (!reachable) app.probeTimer = setTimeout(net.checkConnection, 20e3);
    if (app.unreachable === !reachable) return;
    app.unreachable = !reachable;
    renderStatus();
  });
  addEventListener('online', () => { renderStatus(); net.checkConnection(); rereadTexts(); });
  addEventListener('offline', renderStatus);
  let timer = 0;
  net.onOutboxChange(() => { clearTimeout(timer); timer = setTimeout(refreshItems, 50); });
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && save()); // phone locked

  renderChrome();
  if (app.code && !app.journey) {
    await checkIn(boot.checkIn);
  } else {
    if (app.journey) {
      if (!currentStatement()) history.replaceState(null, '', `#${app.journey.step}`);
      await refreshItems();
      loadExtras();
      rereadTexts();
    }
    render({ focus: 'none' });
    markReady();
  }
  net.startOutbox();
  net.checkConnection();
}
