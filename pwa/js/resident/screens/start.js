/**
 * The first screens — type the code, welcome, language, home neighbourhood (searchable, by
 * wijk) and age band (both optional) — and the privacy and accessibility statements.
 */
import { h, replace, focusElement, announce } from '../../dom.js';
import { api } from '../../api.js';
import { icon } from '../../icons.js';
import { t, text, LANGUAGES, language, formatDateTime, formatTime } from '../../i18n.js';
import { normaliseCode, AGE_BANDS } from '../journey.js';
import { panel, actions, backButton, nextButton, button, notice, choice, radios } from '../ui.js';

/** For who cannot scan the QR code: type it, go to /c/<code>; or continue an earlier session. */
export function join(ctx) {
  const state = ctx.joinState || {};
  const error = state.error && h('p', { class: 'wg-error-message', id: 'wg-join-error', text: state.error });
  const input = h('input', {
    class: 'wg-input wg-input--code', dir: 'ltr', id: 'wg-join-code', name: 'code', value: state.code || '', maxlength: '16',
    autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false',
    'aria-describedby': error ? 'wg-join-hint wg-join-error' : 'wg-join-hint', 'aria-invalid': error ? 'true' : null,
  });
  const submit = (event) => {
    event.preventDefault();
    const code = normaliseCode(input.value);
    if (!code) ctx.joinError(input.value, t('join.errorEmpty'));
    else if (!/^[A-Z0-9]{4,16}$/.test(code)) ctx.joinError(input.value, t('join.errorFormat'));
    else location.assign(`/c/${code}`);
  };
  const earlier = ctx.earlierJourneys.slice(0, 3);
  if (error) setTimeout(() => focusElement(input));
  return panel({
    name: 'join',
    title: t('join.title'),
    intro: t('join.intro'),
    body: [
      h(
        'form',
        { novalidate: true, onsubmit: submit },
        h('div', { class: ['wg-field', error && 'wg-field--error'] },
          h('label', { class: 'wg-label', for: 'wg-join-code', text: t('join.label') }),
          h('p', { class: 'wg-hint', id: 'wg-join-hint', text: t('join.hint') }), error, input),
        h('div', { class: 'wg-button-row' }, h('button', { type: 'submit', class: 'wg-button wg-button--primary-action', id: 'wg-join-submit', text: t('join.submit') })),
      ),
      earlier.length > 0 && [
        h('h2', { text: t('join.continueTitle') }),
        h('ul', { class: 'wg-plain-list', role: 'list' }, earlier.map(({ joinCode, journey }) => h('li', null,
          h('a', { class: 'wg-button wg-button--secondary wg-button--block', href: `/c/${joinCode}` },
            h('span', { lang: 'nl', dir: 'auto', text: journey.checkIn.session.dialogueTitle }), ` (${joinCode})`)))),
      ],
    ],
  });
}

function when(session) {
  const start = new Date(session.startsAt);
  const end = new Date(session.endsAt);
  if (start.toDateString() === end.toDateString()) return `${formatDateTime(session.startsAt)} – ${formatTime(session.endsAt)}`;
  return t('welcome.period', { from: formatDateTime(session.startsAt, { weekday: undefined }), to: formatDateTime(session.endsAt, { weekday: undefined }) });
}

/** Welcome: which session, where and when, what the resident will do. */
export function welcome(ctx) {
  const { session } = ctx;
  const venue = session.venue || {};
  const fact = (iconName, label, ...value) => h('div', null, h('dt', null, icon(iconName), label), h('dd', null, value));
  return panel({
    name: 'welcome',
    title: t('welcome.title', { municipality: session.municipalityName }),
    intro: t('welcome.intro'),
    body: [
      session.status !== 'open' && notice('warning', 'alert', t('welcome.notOpen')),
      h('dl', { class: 'wg-facts' },
        fact('pin', t('welcome.where'), h('span', { lang: 'nl', dir: 'auto', text: venue.name }), venue.address && h('span', { class: 'wg-facts__sub', lang: 'nl', dir: 'auto', text: venue.address })),
        fact('clock', t('welcome.when'), when(session))),
      h('div', { class: 'wg-card wg-about', lang: 'nl', dir: 'auto' },
        h('h2', { text: session.dialogueTitle }),
        session.title && h('p', { class: 'wg-muted', text: session.title }),
        session.dialogueDescription && h('p', { text: session.dialogueDescription })),
      h('h2', { text: t('welcome.howTitle') }),
      h('ol', null, ['welcome.how1', 'welcome.how2', 'welcome.how3'].map((k) => h('li', { text: t(k) }))),
      h('p', null, t('welcome.anonymous'), ' ', h('a', { href: '#privacy', text: t('welcome.privacyLink') })),
      h('div', { class: 'wg-button-row' }, nextButton(t('welcome.start'), () => ctx.go('language'), { id: 'wg-start' })),
    ],
  });
}

/** Language: one large button per language; choosing one switches and goes on. */
export function languageStep(ctx) {
  return panel({
    name: 'language',
    title: t('language.title'),
    progress: ctx.progress,
    intro: t('language.intro'),
    body: [
      h('ul', { class: 'wg-plain-list wg-language-list', role: 'list' }, LANGUAGES.map((lang) => {
        const chosen = lang.code === language();
        return h('li', null, h('button', {
          type: 'button', class: ['wg-button wg-button--block', !chosen && 'wg-button--secondary'], lang: lang.code, dir: lang.dir,
          'aria-current': chosen ? 'true' : null, dataset: { lang: lang.code }, onclick: () => ctx.chooseLanguage(lang.code, { advance: true }),
        }, icon(chosen ? 'check' : 'globe'), lang.name));
      })),
      h('p', { class: 'wg-hint', text: t('language.hint') }),
      actions(backButton(ctx.back), nextButton(null, ctx.next)),
    ],
  });
}

/** The privacy or accessibility statement, filled in with the session's municipality. */
export function statement(ctx, which) {
  const session = ctx.session;
  const params = {
    municipality: session ? session.municipalityName : t('statement.yourMunicipality'),
    minGroupSize: session ? session.minGroupSize : 10,
    days: (session && session.contactRetentionDays) || 90,
  };
  return panel({
    name: which,
    title: t(`${which}.title`),
    intro: t(`${which}.intro`, params),
    body: [
      (text(`${which}.sections`, params) || []).map((s) => [
        h('h2', { text: s.heading }),
        (s.paragraphs || []).map((p) => h('p', { text: p })),
        s.items && h('ul', null, s.items.map((item) => h('li', { text: item }))),
      ]),
      contacts(session, which),
      h('p', { class: 'wg-muted', text: t(`${which}.updated`) }),
      h('div', { class: 'wg-button-row' }, button(t('action.close'), ctx.closeStatement, { variant: 'secondary', iconName: 'previous', id: 'wg-statement-close' })),
    ],
  });
}

const municipalities = new Map();

/** Whom to contact, as the municipality set it (GET /municipalities/{code}, public); filled
 * in when it arrives, left out when it can't be read (offline: the text above still holds). */
function contacts(session, which) {
  const box = h('div', { class: 'wg-statement-contacts' });
  if (!session) return box;
  const code = session.municipality;
  const fill = (m) => replace(box, contactSection(m, which));
  if (municipalities.has(code)) fill(municipalities.get(code));
  else {
    api(`/municipalities/${encodeURIComponent(code)}`, { timeoutMs: 10e3 }).then((r) => {
      if (!r.ok) return;
      municipalities.set(code, r.data);
      fill(r.data);
    }, () => {});
  }
  return box;
}

const mail = (address) => h('a', { href: `mailto:${address}`, dir: 'ltr', text: address });

function contactSection(m, which) {
  const items = [];
  if (m.contactEmail) items.push(h('li', null, t('statement.contactEmail', { municipality: m.name }), ' ', mail(m.contactEmail)));
  if (which === 'privacy' && (m.privacyContactName || m.privacyContactEmail)) {
    items.push(h('li', null, t('statement.privacyContact'), ' ', m.privacyContactName || '', m.privacyContactName && m.privacyContactEmail ? ', ' : '', m.privacyContactEmail ? mail(m.privacyContactEmail) : ''));
  }
  if (which === 'privacy') items.push(h('li', { text: t('statement.retention', { municipality: m.name, days: m.contactRetentionDays }) }));
  if (!items.length) return [];
  return [h('h2', { text: t('statement.contactHeading') }), h('ul', { class: 'wg-statement-contact-list' }, items)];
}

let query = '';
/** A new person: forget the search text. */
export function resetProfile() {
  query = '';
}

const simplify = (v) => String(v || '').toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
const byName = (a, b) => a.name.localeCompare(b.name, 'nl');

/** Buurten grouped under their wijk (a wijk itself is a choice too); loose buurten last. */
function groups(all) {
  const wijken = all.filter((n) => n.kind === 'wijk').sort(byName);
  const buurten = all.filter((n) => n.kind === 'buurt').sort(byName);
  const out = wijken.map((wijk) => ({ wijk, buurten: buurten.filter((b) => b.wijkCode === wijk.code) }));
  const loose = buurten.filter((b) => !wijken.some((w) => w.code === b.wijkCode));
  return loose.length ? [...out, { wijk: null, buurten: loose }] : out;
}

export function neighbourhood(ctx) {
  const name = 'neighbourhood';
  const selected = ctx.journey.neighbourhoodCode;
  const onChange = (value) => ctx.update({ neighbourhoodCode: value });
  const radio = (option) => choice({ type: 'radio', name, option, checked: selected === option.value, onChange });
  const groupEls = groups(ctx.journey.neighbourhoods || []).map(({ wijk, buurten }) => h(
    'fieldset',
    { class: 'wg-fieldset' },
    h('legend', { class: 'wg-legend', text: wijk ? t('nbh.wijk', { name: wijk.name }) : t('nbh.otherGroup') }),
    h('div', { class: 'wg-choices' },
      wijk && radio({ value: wijk.code, label: t('nbh.wholeWijk', { name: wijk.name }), search: simplify(wijk.name) }),
      buurten.map((b) => radio({ value: b.code, label: b.name, lang: 'nl', dir: 'auto', search: simplify(`${b.name} ${wijk ? wijk.name : ''}`) }))),
  ));
  const noMatch = h('p', { class: 'wg-alert', hidden: true, text: t('nbh.noMatch') });
  let timer = 0;
  const filter = (tell) => {
    const q = simplify(query);
    let found = 0;
    for (const group of groupEls) {
      let shown = 0;
      for (const label of group.querySelectorAll('.wg-choice')) {
        label.hidden = Boolean(q) && !label.dataset.search.includes(q);
        shown += label.hidden ? 0 : 1;
      }
      group.hidden = !shown;
      found += shown;
    }
    noMatch.hidden = found > 0;
    clearTimeout(timer);
    if (tell && q) timer = setTimeout(() => announce(t('nbh.found', { count: found })), 600);
  };
  filter(false);
  return panel({
    name,
    title: t('nbh.title'),
    progress: ctx.progress,
    intro: t('nbh.intro', { municipality: ctx.session.municipalityName }),
    body: [
      h('div', { class: 'wg-field' },
        h('label', { class: 'wg-label wg-label--icon', for: 'wg-nbh-search' }, icon('search'), t('nbh.search')),
        h('p', { class: 'wg-hint', id: 'wg-nbh-search-hint', text: t('nbh.searchHint') }),
        h('input', {
          class: 'wg-input', type: 'search', dir: 'auto', id: 'wg-nbh-search', value: query, autocomplete: 'off', spellcheck: 'false',
          'aria-describedby': 'wg-nbh-search-hint', 'aria-controls': 'wg-nbh-options',
          oninput: (e) => { query = e.target.value; filter(true); },
        })),
      h('div', { role: 'radiogroup', 'aria-labelledby': `wg-h1-${name}`, id: 'wg-nbh-options' },
        h('div', { class: 'wg-choices wg-choices--first' }, radio({ value: '', label: t('nbh.none') })),
        groupEls, noMatch),
      actions(backButton(ctx.back), nextButton(null, ctx.next)),
    ],
  });
}

export function age(ctx) {
  return panel({
    name: 'age',
    title: t('age.title'),
    progress: ctx.progress,
    intro: t('age.intro'),
    body: [
      radios({
        name: 'age-band',
        legend: t('age.legend'),
        legendClass: 'wg-visually-hidden',
        options: [{ value: '', label: t('age.none') }, ...AGE_BANDS.map((band) => ({ value: band, label: t(`age.band.${band}`) }))],
        value: ctx.journey.ageBand,
        onChange: (value) => ctx.update({ ageBand: value }),
      }),
      actions(backButton(ctx.back), nextButton(null, ctx.next)),
    ],
  });
}
