/**
 * Pledge (optional; contact details only after ticking consent) and thank you: what was sent
 * and whether it was received, results once enough took part, and the tablet's next person.
 */
import { h, replace, announce, focusElement, uid } from '../../dom.js';
import { icon } from '../../icons.js';
import { t, formatPercent, language, languageInfo } from '../../i18n.js';
import { problemMessage } from '../../api.js';
import { MAX_PLEDGES, MAX_TEXT, ORGANISATION_TYPES, PLEDGE_KINDS, pledgeBody } from '../journey.js';
import { panel, actions, backButton, nextButton, button, radios, choice, field, notice, problemBlock, textLang, languageNote } from '../ui.js';

const IDS = { kind: 'wg-pledge-kind', hours: 'wg-pledge-hours', text: 'wg-pledge-text', contact: 'wg-pledge-contact', organisationName: 'wg-pledge-organisation', organisationKind: 'wg-pledge-organisation-kind' };
const COUNTDOWN = 60;
let errors = {};
let results = null; // {sessionId, state: loading|waiting|shown, group}
let countdown = { timer: 0, left: 0, stopped: false };

/** A new person (or a sent pledge): forget errors, fetched results and the countdown. */
export function resetFinish() {
  errors = {};
  results = null;
  clearInterval(countdown.timer);
  countdown = { timer: 0, left: 0, stopped: false };
}

const savedText = (ctx) => t(ctx.tablet ? 'outbox.saved.tablet' : 'outbox.saved.phone');

/* ---------- Pledge ---------- */

export function pledge(ctx) {
  const { journey } = ctx;
  const draft = journey.pledgeDraft;
  const save = (patch) => ctx.update({ pledgeDraft: Object.assign(draft, patch) });
  const skip = button(journey.pledges.length ? t('pledge.done') : t('pledge.skip'), () => { errors = {}; ctx.next(); },
    { variant: 'secondary', iconName: 'next', iconAfter: true, id: 'wg-pledge-skip' });
  const made = journey.pledges.length > 0 && [
    h('h2', { text: t('pledge.made') }),
    h('ul', null, journey.pledges.map((p) => {
      const { state } = ctx.statusOf(p.itemId);
      return h('li', null, h('strong', { text: t(`pledge.kind.${p.kind}`) }), ' — ',
        state === 'sent' ? t('outbox.received') : state === 'failed' ? t('outbox.failed') : savedText(ctx));
    })),
  ];
  if (journey.pledges.length >= MAX_PLEDGES) {
    return panel({ name: 'pledge', title: t('pledge.title'), progress: ctx.progress,
      body: [made, notice('info', 'info', t('pledge.max', { max: MAX_PLEDGES })), actions(backButton(ctx.back), skip)] });
  }

  const summary = Object.keys(errors).length > 0 && h(
    'div',
    { class: 'wg-alert wg-alert--error', role: 'alert', tabindex: '-1', id: 'wg-pledge-error-summary' },
    icon('alert'),
    h('div', { class: 'wg-alert__body' }, h('strong', { class: 'wg-alert__title', text: t('pledge.errorSummary') }),
      h('ul', null, Object.entries(errors).map(([name, key]) => h('li', null, h('a', {
        href: `#${IDS[name]}`, text: t(key), onclick: (e) => { e.preventDefault(); focusElement(document.getElementById(IDS[name])); },
      }))))),
  );

  const kind = radios({
    name: IDS.kind,
    legend: t('pledge.kind'),
    options: PLEDGE_KINDS.map((k) => ({ value: k, label: t(`pledge.kind.${k}`), hint: t(`pledge.kind.${k}.hint`) })),
    value: draft.kind,
    onChange: (value) => save({ kind: value }),
  });
  if (errors.kind) {
    kind.classList.add('wg-field--error');
    kind.setAttribute('aria-describedby', `${IDS.kind}-error`);
    kind.querySelector('legend').after(h('p', { class: 'wg-error-message', id: `${IDS.kind}-error`, text: t(errors.kind) }));
    kind.querySelector('input').id = IDS.kind; // where the error summary's link lands
  }

  const ranked = journey.ranking.map((id) => journey.checkIn.priorities.find((p) => p.id === id)).filter(Boolean);
  const others = journey.checkIn.priorities.filter((p) => !journey.ranking.includes(p.id));
  const counterId = uid('counter');
  const counter = h('p', { class: 'wg-hint wg-counter', id: counterId });
  const left = () => MAX_TEXT - String(draft.text || '').length;
  const paintCounter = () => { counter.textContent = t('pledge.textCounter', { count: left() }); };
  paintCounter();
  let told = null;
  const contact = field({
    id: IDS.contact, label: t('pledge.contact'), hint: t('pledge.contactHint', { days: ctx.session.contactRetentionDays || 90 }), error: errors.contact,
    control: h('input', { class: 'wg-input', type: 'text', dir: 'auto', autocomplete: 'email', value: draft.contact, oninput: (e) => save({ contact: e.target.value }) }),
  });
  contact.hidden = !draft.consent;

  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        const result = pledgeBody(draft, journey.participantType);
        errors = result.errors;
        if (!Object.keys(errors).length) return ctx.submitPledge(result.body);
        ctx.rerender();
        return focusElement(document.getElementById('wg-pledge-error-summary'));
      },
    },
    journey.pledges.length > 0 && h('h2', { text: t('pledge.another') }),
    ORGANISATION_TYPES.includes(journey.participantType) && [
      field({
        id: IDS.organisationName, label: t('aboutYou.organisationName'), hint: t('aboutYou.organisationNameHint'), error: errors.organisationName,
        control: h('input', { class: 'wg-input', type: 'text', dir: 'auto', autocomplete: 'organization', value: draft.organisationName || '', oninput: (e) => save({ organisationName: e.target.value }) }),
      }),
      field({
        id: IDS.organisationKind, label: t('aboutYou.organisationKind'), hint: t('aboutYou.organisationKindHint'), error: errors.organisationKind,
        control: h('input', { class: 'wg-input', type: 'text', dir: 'auto', autocomplete: 'off', value: draft.organisationKind || '', oninput: (e) => save({ organisationKind: e.target.value }) }),
      }),
    ],
    kind,
    field({
      id: IDS.hours, label: t('pledge.hours'), hint: t('pledge.hoursHint', { max: 40 }), error: errors.hours,
      control: h('input', { class: 'wg-input wg-input--short', type: 'text', inputmode: 'decimal', autocomplete: 'off', value: draft.hours, oninput: (e) => save({ hours: e.target.value }) }),
    }),
    field({
      id: 'wg-pledge-priority', label: t('pledge.priority'), hint: t('pledge.priorityHint'),
      control: h('select', { class: 'wg-select', onchange: (e) => save({ priorityId: e.target.value }) },
        h('option', { value: '', text: t('pledge.priorityNone') }),
        [...ranked, ...others].map((p) => h('option', { value: String(p.id), ...textLang(p), text: p.title, selected: String(draft.priorityId) === String(p.id) }))),
    }),
    field({
      id: IDS.text, label: t('pledge.text'), hint: t('pledge.textHint'), error: errors.text,
      control: h('textarea', {
        class: 'wg-textarea', dir: 'auto', maxlength: String(MAX_TEXT), rows: '4', 'aria-describedby': counterId, value: draft.text,
        oninput: (e) => {
          save({ text: e.target.value });
          paintCounter();
          const mark = [0, 20, 50, 100].find((n) => left() <= n); // announce only near the end
          if (mark !== undefined && mark !== told) { told = mark; announce(counter.textContent); }
        },
      }),
    }),
    counter,
    h('div', { class: 'wg-field wg-consent' },
      h('p', { class: 'wg-label', text: t('pledge.consentTitle') }),
      h('p', { class: 'wg-hint', text: t('pledge.consentHint') }),
      choice({
        type: 'checkbox', name: 'wg-pledge-consent', option: { value: 'yes', label: t('pledge.consent') }, checked: draft.consent,
        onChange: (checked) => {
          // Without consent nothing of the contact details is kept, not even on the phone.
          save({ consent: checked, contact: checked ? draft.contact : '' });
          contact.hidden = !checked;
          if (!checked) contact.querySelector('input').value = '';
        },
      })),
    contact,
    h('div', { class: 'wg-button-row' }, h('button', { type: 'submit', class: 'wg-button wg-button--primary-action', id: 'wg-pledge-submit', text: t('pledge.submit') })),
  );
  return panel({ name: 'pledge', title: t('pledge.title'), progress: ctx.progress, intro: t('pledge.intro'), body: [summary, made, form, actions(backButton(ctx.back), skip)] });
}

/* ---------- Thank you ---------- */

function sentLine(ctx, label, itemId, onFix) {
  const { state, problem } = ctx.statusOf(itemId);
  if (state === 'unknown') return null;
  if (state === 'failed') {
    const m = { ...problemMessage({ status: problem ? problem.status : 400, problem }), status: problem && problem.status };
    return h('li', { class: 'wg-sent wg-sent--failed' }, icon('alert'), h('div', null,
      h('strong', { text: label }), ` ${t('outbox.failed')} ${m.title}`, problemBlock(m),
      onFix && [400, 422].includes(m.status) && button(t('thanks.fix'), onFix, { variant: 'secondary' })));
  }
  const ok = state === 'sent';
  return h('li', { class: `wg-sent wg-sent--${ok ? 'ok' : 'waiting'}` }, icon(ok ? 'check' : 'phone'),
    h('span', null, h('strong', { text: label }), ' ', ok ? t('outbox.received') : savedText(ctx)));
}

const sentList = (ctx) => h('ul', { class: 'wg-plain-list wg-sent-list', role: 'list' },
  ctx.journey.ballotItemId && sentLine(ctx, t('thanks.ballot'), ctx.journey.ballotItemId, () => ctx.go('rank')),
  ctx.journey.pledges.map((p) => sentLine(ctx, t('thanks.pledge', { kind: t(`pledge.kind.${p.kind}`) }), p.itemId)));

const allReceived = (ctx) => [ctx.journey.ballotItemId, ...ctx.journey.pledges.map((p) => p.itemId)]
  .filter(Boolean).every((id) => ctx.statusOf(id).state !== 'pending');

function resultsView(ctx, slot) {
  const { session } = ctx;
  const again = button(t('thanks.resultsRefresh'), () => loadResults(ctx, slot, true), { variant: 'secondary', iconName: 'refresh', id: 'wg-results-refresh' });
  if (!session.showResults) return h('p', { text: t('thanks.resultsOff') });
  if (!results || results.state === 'loading') return h('p', { class: 'wg-muted', text: t('thanks.resultsLoading') });
  if (results.state !== 'shown') return [h('p', { text: t('thanks.resultsWait', { min: session.minGroupSize }) }), again];
  const titles = new Map(ctx.journey.checkIn.priorities.map((p) => [p.id, p]));
  const rows = results.group.priorities.filter((p) => titles.has(p.id))
    .sort((a, b) => (a.schulzeRank ?? 99) - (b.schulzeRank ?? 99) || b.score - a.score);
  return [
    h('p', { text: t('thanks.resultsBased', { count: results.group.ballots }) }),
    h('p', { class: 'wg-muted', text: t('thanks.resultsInGroups') }),
    h('ol', { class: 'wg-plain-list wg-results', id: 'wg-results' }, rows.map((row) => {
      const fill = h('span', { class: 'wg-results__fill' });
      fill.style.inlineSize = `${Math.round(Math.max(0, Math.min(1, row.topThreeShare)) * 100)}%`;
      return h('li', null,
        h('span', { class: 'wg-results__title', ...textLang(titles.get(row.id)), text: titles.get(row.id).title }),
        h('span', { class: 'wg-results__bar', 'aria-hidden': 'true' }, fill),
        h('span', { class: 'wg-results__share', text: t('thanks.topThree', { share: formatPercent(row.topThreeShare) }) }));
    })),
    again,
  ];
}

/** GET /sessions/{id}/results; results are shown only for a 200 with an unsuppressed group. */
async function loadResults(ctx, slot, asked) {
  const { session } = ctx;
  if (!session.showResults) return;
  results = { sessionId: session.id, state: 'loading' };
  replace(slot, resultsView(ctx, slot));
  const r = await ctx.api(`/sessions/${session.id}/results`);
  const groups = (r.ok && r.data && r.data.groups) || [];
  const group = groups.find((g) => String(g.key) === String(session.id)) || groups[0];
  const min = (r.data && r.data.minGroupSize) || session.minGroupSize;
  const shown = Boolean(group && !group.suppressed && group.ballots >= min && group.priorities && group.priorities.length);
  results = { sessionId: session.id, state: shown ? 'shown' : 'waiting', group };
  if (!slot.isConnected) return;
  replace(slot, resultsView(ctx, slot));
  if (asked) announce(shown ? t('thanks.resultsShown') : t('thanks.resultsWait', { min: session.minGroupSize }));
}

/** Shared tablet: "next person" now, or by itself a minute after everything was received. */
function tabletBlock(ctx) {
  const box = h('div', { class: 'wg-card wg-next-person', id: 'wg-next-person' });
  const stop = () => { clearInterval(countdown.timer); countdown.timer = 0; };
  const paint = () => {
    const done = allReceived(ctx);
    const focused = box.contains(document.activeElement) && document.activeElement.id;
    replace(box,
      h('h2', { text: t('tablet.doneTitle') }),
      h('p', { text: done ? t('tablet.doneReceived') : t('tablet.doneWaiting') }),
      done && countdown.timer && h('p', { class: 'wg-countdown', text: t('tablet.countdown', { count: countdown.left }) }),
      h('div', { class: 'wg-button-row' },
        button(t('tablet.next'), () => { stop(); ctx.nextPerson(); }, { id: 'wg-next-person-button', iconName: 'next', iconAfter: true }),
        done && countdown.timer && button(t('tablet.wait'), () => { stop(); countdown.stopped = true; paint(); }, { variant: 'secondary', id: 'wg-countdown-stop' })));
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  };
  box.refresh = () => {
    if (!countdown.timer && !countdown.stopped && allReceived(ctx)) {
      countdown.left = COUNTDOWN;
      countdown.timer = setInterval(() => {
        countdown.left -= 1;
        if (countdown.left <= 0) { stop(); ctx.nextPerson(); return; }
        const line = box.querySelector('.wg-countdown');
        if (line) line.textContent = t('tablet.countdown', { count: countdown.left });
      }, 1000);
    }
    paint();
  };
  box.refresh();
  return box;
}

/** The dialogue's last day (2026-12-31) in the resident's language. */
function lastDay(iso) {
  const [y, m, d] = String(iso).split('-').map(Number);
  if (!y || !m || !d) return '';
  return new Intl.DateTimeFormat(languageInfo().locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
}

/** What happens next: when the results come, where to read them and the municipality's answer. */
function nextSteps(session) {
  const end = lastDay(session.dialogueEndsOn);
  return h('section', { class: 'wg-next-steps', id: 'wg-next-steps', 'aria-labelledby': 'wg-next-steps-title' },
    h('h2', { id: 'wg-next-steps-title', text: t('thanks.next') }),
    end && h('p', { text: t('thanks.nextText', { end, municipality: session.municipalityName }) }),
    h('p', { text: t('thanks.batches') }),
    h('p', null, h('a', { href: `/d/${session.dialogueId}?lang=${language()}`, id: 'wg-public-page', text: t('thanks.publicPage') })));
}

export function thanks(ctx) {
  const { journey, session } = ctx;
  const resultsSlot = h('div', { id: 'wg-results-area' });
  const section = panel({
    name: 'thanks',
    title: t('thanks.title'),
    intro: t('thanks.intro', { municipality: session.municipalityName }),
    body: [
      h('h2', { text: t('thanks.sent') }),
      h('div', { role: 'status', id: 'wg-sent-status' }, sentList(ctx)),
      ctx.tablet && tabletBlock(ctx),
      h('h2', { text: t('thanks.yourList') }),
      h('ol', null, journey.ranking.map((id) => journey.checkIn.priorities.find((p) => p.id === id)).filter(Boolean).map((p) => h('li', null, h('span', { ...textLang(p), text: p.title }), languageNote(p) && ' ', languageNote(p)))),
      h('div', { class: 'wg-button-row' },
        button(t('thanks.change'), () => ctx.go('rank'), { variant: 'secondary', id: 'wg-change' }),
        button(t('thanks.morePledge'), () => ctx.go('pledge'), { variant: 'secondary', id: 'wg-more-pledge' })),
      h('section', { id: 'wg-idea-area', class: 'wg-idea' }),
      h('h2', { text: t('thanks.results') }),
      resultsSlot,
      nextSteps(session),
    ],
  });
  // "Wat mist er?" loads only now (not precached: offline, the screen goes without it); typing
  // in it stops a shared tablet's countdown to the next person.
  import('./idea.js').then((m) => m.mountIdea(ctx, section.querySelector('#wg-idea-area'), { onTyping: () => { clearInterval(countdown.timer); countdown.timer = 0; countdown.stopped = true; section.querySelector('#wg-next-person')?.refresh(); } })).catch(() => null);
  if (results && results.sessionId === session.id && results.state !== 'loading') replace(resultsSlot, resultsView(ctx, resultsSlot));
  else loadResults(ctx, resultsSlot, false);
  return section;
}

/** The outbox changed: update the statuses in place (focus and reading position stay). */
thanks.refresh = (ctx, section) => {
  const slot = section.querySelector('#wg-sent-status');
  if (slot) replace(slot, sentList(ctx));
  const box = section.querySelector('#wg-next-person');
  if (box) box.refresh();
  section.querySelector('#wg-idea-area')?.refresh?.();
};

thanks.leave = () => {
  clearInterval(countdown.timer);
  countdown.timer = 0;
};
