/**
 * Type in paper ballots at the venue, for residents without a phone. The ranking works like
 * the resident app's: choose priorities in the order of the paper, move them up or down with
 * buttons (or Alt + arrow keys), remove them; the new place is announced. The paper's pledge
 * box goes with it. Each ballot is sent once with its own Idempotency-Key (kept for a retry
 * until it is received). Below the form: the paper ballots you typed in this session, each
 * with "void" (a mistyped one) and "undo".
 */
import { h, replace, focusElement, announce, uuid } from '../../js/dom.js';
import { icon } from '../../js/icons.js';
import { t } from '../../js/i18n.js';
import { api } from '../../js/api.js';
import { staffApi } from '../../js/staff/auth.js';
import { backToDialogue, heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { themeLabel } from '../../js/staff/themes.js';
import { time } from '../../js/staff/format.js';
import { dataTable } from '../../js/staff/data-table.js';

const AGE_BANDS = ['12-17', '18-24', '25-44', '45-64', '65+'];
const PLEDGE_KINDS = ['time', 'skill', 'space', 'materials', 'network', 'other'];

function field(id, label, input, hint) {
  if (hint) input.setAttribute('aria-describedby', `${id}-hint`);
  return h('div', { class: 'wg-field' }, h('label', { class: 'wg-label', for: id, text: label }), hint ? h('span', { class: 'wg-hint', id: `${id}-hint`, text: hint }) : null, input);
}

/** The pledge box of the paper: what kind, hours, a text, and contact details with consent. */
function pledgeFields() {
  const kind = h('select', { class: 'wg-select', id: 'wg-pledge-kind', name: 'pledgeKind' }, h('option', { value: '', text: t('ballots.pledge.none') }), PLEDGE_KINDS.map((k) => h('option', { value: k, text: t(`ballots.pledge.kind.${k}`) })));
  const hours = h('input', { class: 'wg-input wg-input--short', id: 'wg-pledge-hours', name: 'hoursPerMonth', type: 'number', inputmode: 'decimal', min: '0.5', max: '40', step: '0.5' });
  const text = h('textarea', { class: 'wg-textarea', id: 'wg-pledge-text', name: 'pledgeText', maxlength: '500', rows: '2' });
  const consent = h('input', { type: 'checkbox', id: 'wg-pledge-consent', name: 'contactConsent' });
  const contact = h('input', { class: 'wg-input', id: 'wg-pledge-contact', name: 'contact', type: 'text', autocomplete: 'off', maxlength: '200' });
  const fieldset = h(
    'fieldset',
    { class: 'wg-fieldset wg-panel', id: 'wg-pledge' },
    h('legend', { class: 'wg-legend wg-legend--heading', text: t('ballots.pledge.legend') }),
    h('p', { class: 'wg-hint', text: t('ballots.pledge.hint') }),
    h('div', { class: 'wg-form-grid' }, field('wg-pledge-kind', t('ballots.pledge.kind'), kind), field('wg-pledge-hours', t('ballots.pledge.hours'), hours, t('ballots.optional'))),
    field('wg-pledge-text', t('ballots.pledge.text'), text, t('ballots.optional')),
    h('label', { class: 'wg-check', for: 'wg-pledge-consent' }, consent, h('span', { text: t('ballots.pledge.consent') })),
    field('wg-pledge-contact', t('ballots.pledge.contact'), contact, t('ballots.pledge.contactHint')),
  );
  return {
    fieldset,
    /** The pledge to send, null when the box is empty, or {error, focus} when it can't be sent. */
    read() {
      const filled = hours.value.trim() || text.value.trim() || contact.value.trim() || consent.checked;
      if (!kind.value) return filled ? { error: t('ballots.pledge.needKind'), focus: kind } : null;
      const pledge = { kind: kind.value };
      if (hours.value.trim()) {
        const value = Number(hours.value.replace(',', '.'));
        if (!(value >= 0.5 && value <= 40)) return { error: t('ballots.pledge.badHours'), focus: hours };
        pledge.hoursPerMonth = value;
      }
      if (text.value.trim()) pledge.text = text.value.trim();
      if (contact.value.trim()) {
        if (!consent.checked) return { error: t('ballots.pledge.needConsent'), focus: consent };
        pledge.contact = contact.value.trim();
        pledge.contactConsent = true;
      }
      return { pledge };
    },
    clear() {
      kind.value = '';
      hours.value = '';
      text.value = '';
      consent.checked = false;
      contact.value = '';
    },
  };
}

/** The paper ballots this facilitator typed in this session, each with "void" or "undo". */
function enteredList({ session, byId, placeName, summary, messages }) {
  const body = h('tbody');
  const section = h(
    'section',
    { class: 'wg-panel', id: 'wg-entered-list', 'aria-labelledby': 'wg-entered-title' },
    h('h2', { id: 'wg-entered-title', text: t('ballots.list.title') }),
    h('p', { class: 'wg-hint', text: t('ballots.list.hint') }),
    dataTable({
      wrap: { tabindex: '0', role: 'region', 'aria-labelledby': 'wg-entered-title' },
      columns: ['time', 'ranking', 'neighbourhood', 'age', 'status', 'action'].map((c) => t(`ballots.list.${c}`)),
      rows: body,
    }),
  );
  let entries = [];

  function describe(entry) {
    return t('ballots.list.describe', { time: time(entry.enteredAt), first: byId.get(entry.ranking[0])?.title || '' });
  }

  function draw(focusId) {
    const counted = entries.filter((e) => !e.voided).length;
    const voided = entries.length - counted;
    summary.textContent = [t('ballots.entered', { count: counted }), voided ? t('ballots.voidedCount', { count: voided }) : ''].join(' ').trim();
    replace(
      body,
      entries.map((entry) => {
        const action = entry.voided ? 'restore' : 'void';
        const button = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action }, 'aria-label': t(`ballots.list.${action}Label`, { ballot: describe(entry) }), onclick: () => toggle(entry) }, t(`ballots.list.${action}`));
        return h(
          'tr',
          { dataset: { ballot: entry.id, voided: String(entry.voided) }, class: entry.voided ? 'wg-voided' : null },
          h('th', { scope: 'row', text: time(entry.enteredAt) }),
          h('td', null, h('ol', { class: 'wg-compact-list' }, entry.ranking.map((id) => h('li', { text: byId.get(id)?.title || `#${id}` })))),
          h('td', { text: entry.neighbourhoodCode ? placeName(entry.neighbourhoodCode) : t('ballots.notGiven') }),
          h('td', { text: entry.ageBand ? t(`ageBand.${entry.ageBand}`) : t('ballots.notGiven') }),
          h('td', { text: entry.voided ? t('ballots.list.voided') : t('ballots.list.counted') }),
          h('td', null, button),
        );
      }),
    );
    if (focusId) focusElement(body.querySelector(`tr[data-ballot="${focusId}"] button`));
  }

  async function toggle(entry) {
    const path = `/sessions/${session.id}/assisted-ballots/${entry.id}`;
    const result = entry.voided ? await staffApi(`${path}/restore`, { method: 'POST' }) : await staffApi(path, { method: 'DELETE' });
    if (!result.ok) {
      if (result.status !== 401) {
        replace(messages, problemAlert(result));
        focusElement(messages);
      }
      return;
    }
    entry.voided = !entry.voided;
    announce(t(entry.voided ? 'ballots.list.voidedNow' : 'ballots.list.restoredNow', { ballot: describe(entry) }));
    draw(entry.id);
  }

  return {
    section,
    async load() {
      const result = await staffApi(`/sessions/${session.id}/assisted-ballots`);
      if (!result.ok) {
        if (result.status !== 401) replace(messages, problemAlert(result));
        return;
      }
      entries = result.data;
      section.hidden = entries.length === 0;
      draw();
    },
  };
}

function neighbourhoodSelect(neighbourhoods) {
  const wijken = neighbourhoods.filter((n) => n.kind === 'wijk').sort((a, b) => a.name.localeCompare(b.name));
  const buurten = neighbourhoods.filter((n) => n.kind === 'buurt').sort((a, b) => a.name.localeCompare(b.name));
  const groups = wijken.map((w) =>
    h(
      'optgroup',
      { label: t('ballots.wijk', { name: w.name }) },
      h('option', { value: w.code, text: t('ballots.wholeWijk', { name: w.name }) }),
      buurten.filter((b) => b.wijkCode === w.code).map((b) => h('option', { value: b.code, text: b.name })),
    ),
  );
  const loose = buurten.filter((b) => !wijken.some((w) => w.code === b.wijkCode));
  return h(
    'select',
    { class: 'wg-select', id: 'wg-neighbourhood', name: 'neighbourhoodCode', 'aria-describedby': 'wg-neighbourhood-hint' },
    h('option', { value: '', text: t('ballots.notGiven') }),
    groups,
    loose.map((b) => h('option', { value: b.code, text: b.name })),
  );
}

export async function renderBallots({ app, main, session, dialogue, isCurrent }) {
  const title = session.title || session.venue.name;
  const back = backToDialogue(app, session.dialogueId, t('ballots.back'));
  const top = [heading(t('ballots.title')), h('p', { class: 'wg-lead', text: `${title} · ${session.venue.name}` })];
  if (session.status !== 'open') {
    replace(main, ...top, notice('warning', t('ballots.notOpen')), back);
    return;
  }
  if (!dialogue) {
    replace(main, ...top, notice('error', t('ballots.noDialogue')), back);
    return;
  }
  replace(main, ...top, h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const places = await api(`/municipalities/${encodeURIComponent(session.municipality)}/neighbourhoods`);
  if (!isCurrent()) return;
  const priorities = [...dialogue.priorities].sort((a, b) => a.position - b.position);
  const byId = new Map(priorities.map((p) => [p.id, p]));
  let ranking = [];
  let key = uuid();

  const messages = h('div', { class: 'wg-ballot-messages', id: 'wg-ballot-messages', tabindex: '-1' });
  const counter = h('p', { class: 'wg-muted', id: 'wg-entered', role: 'status' });
  const names = new Map(places.ok ? places.data.map((n) => [n.code, n.name]) : []);
  const list = enteredList({ session, byId, placeName: (code) => names.get(code) || code, summary: counter, messages });
  const pledge = pledgeFields();
  const chosenList = h('ol', { class: 'wg-ranking', id: 'wg-ranking', 'aria-labelledby': 'wg-chosen-title' });
  const restList = h('ul', { class: 'wg-ranking wg-ranking--rest', id: 'wg-rest', 'aria-labelledby': 'wg-rest-title' });
  const emptyNote = h('p', { class: 'wg-muted', id: 'wg-ranking-empty', text: t('ballots.empty') });

  function move(id, delta, focusAction) {
    const from = ranking.indexOf(id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= ranking.length) return;
    ranking.splice(from, 1);
    ranking.splice(to, 0, id);
    draw();
    announce(t('ballots.movedTo', { title: byId.get(id).title, place: to + 1, count: ranking.length }));
    const row = chosenList.querySelector(`[data-priority="${id}"]`);
    let target = row.querySelector(`[data-action="${focusAction}"]`);
    if (target.disabled) target = row.querySelector(`[data-action="${focusAction === 'up' ? 'down' : 'up'}"]`);
    focusElement(target && !target.disabled ? target : row.querySelector('[data-action="remove"]'));
  }

  function choose(id) {
    ranking.push(id);
    draw();
    announce(t('ballots.chosen', { title: byId.get(id).title, place: ranking.length }));
    const next = restList.querySelector('button');
    focusElement(next || chosenList.querySelector(`[data-priority="${id}"] [data-action="remove"]`));
  }

  function remove(id) {
    const index = ranking.indexOf(id);
    ranking = ranking.filter((x) => x !== id);
    draw();
    announce(t('ballots.removed', { title: byId.get(id).title }));
    const rows = chosenList.querySelectorAll('li');
    const row = rows[Math.min(index, rows.length - 1)];
    focusElement(row ? row.querySelector('[data-action="remove"]') : restList.querySelector('button'));
  }

  function draw() {
    replace(
      chosenList,
      ranking.map((id, index) => {
        const p = byId.get(id);
        const label = (action) => t(`ballots.${action}Label`, { title: p.title });
        const row = h(
          'li',
          { class: 'wg-ranking__item', dataset: { priority: id } },
          h('span', { class: 'wg-ranking__place', 'aria-hidden': 'true', text: String(index + 1) }),
          h('span', { class: 'wg-ranking__text' }, h('span', { class: 'wg-priority-title', text: p.title }), themeLabel(p.themeKey)),
          h(
            'span',
            { class: 'wg-ranking__buttons' },
            h('button', { type: 'button', class: 'wg-button wg-button--secondary wg-icon-button', dataset: { action: 'up' }, 'aria-label': label('up'), disabled: index === 0, onclick: () => move(id, -1, 'up') }, icon('up')),
            h('button', { type: 'button', class: 'wg-button wg-button--secondary wg-icon-button', dataset: { action: 'down' }, 'aria-label': label('down'), disabled: index === ranking.length - 1, onclick: () => move(id, 1, 'down') }, icon('down')),
            h('button', { type: 'button', class: 'wg-button wg-button--secondary wg-icon-button', dataset: { action: 'remove' }, 'aria-label': label('remove'), onclick: () => remove(id) }, icon('remove')),
          ),
        );
        row.addEventListener('keydown', (event) => {
          if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
          event.preventDefault();
          move(id, event.key === 'ArrowUp' ? -1 : 1, event.key === 'ArrowUp' ? 'up' : 'down');
        });
        return row;
      }),
    );
    emptyNote.hidden = ranking.length > 0;
    replace(
      restList,
      priorities
        .filter((p) => !ranking.includes(p.id))
        .map((p) =>
          h(
            'li',
            { class: 'wg-ranking__item', dataset: { priority: p.id } },
            h('span', { class: 'wg-ranking__text' }, h('span', { class: 'wg-priority-title', text: p.title }), themeLabel(p.themeKey)),
            h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'choose' }, 'aria-label': t('ballots.chooseLabel', { title: p.title, place: ranking.length + 1 }), onclick: () => choose(p.id) }, icon('plus'), h('span', { 'aria-hidden': 'true', text: t('ballots.choose', { place: ranking.length + 1 }) })),
          ),
        ),
    );
  }

  const neighbourhood = places.ok ? neighbourhoodSelect(places.data) : null;
  const age = h(
    'select',
    { class: 'wg-select', id: 'wg-age', name: 'ageBand' },
    h('option', { value: '', text: t('ballots.notGiven') }),
    AGE_BANDS.map((b) => h('option', { value: b, text: t(`ageBand.${b}`) })),
  );
  const submit = h('button', { type: 'submit', class: 'wg-button', id: 'wg-save-ballot' }, t('ballots.save'));
  const form = h(
    'form',
    { class: 'wg-panel wg-ballot-form', id: 'wg-ballot-form', novalidate: true },
    h(
      'fieldset',
      { class: 'wg-fieldset', 'aria-describedby': 'wg-ranking-hint' },
      h('legend', { class: 'wg-legend wg-legend--heading', text: t('ballots.rankingLegend') }),
      h('p', { class: 'wg-hint', id: 'wg-ranking-hint', text: t('ballots.rankingHint') }),
      h('div', { class: 'wg-ranking-columns' },
        h('div', null, h('h2', { class: 'wg-ranking__title', id: 'wg-chosen-title', text: t('ballots.chosenTitle') }), chosenList, emptyNote),
        h('div', null, h('h2', { class: 'wg-ranking__title', id: 'wg-rest-title', text: t('ballots.restTitle') }), restList),
      ),
    ),
    h(
      'div',
      { class: 'wg-form-grid' },
      neighbourhood
        ? h('div', { class: 'wg-field' }, h('label', { class: 'wg-label', for: 'wg-neighbourhood', text: t('ballots.neighbourhood') }), h('span', { class: 'wg-hint', id: 'wg-neighbourhood-hint', text: t('ballots.optional') }), neighbourhood)
        : null,
      h('div', { class: 'wg-field' }, h('label', { class: 'wg-label', for: 'wg-age', text: t('ballots.age') }), h('span', { class: 'wg-hint', id: 'wg-age-hint', text: t('ballots.optional') }), age),
    ),
    pledge.fieldset,
    h('div', { class: 'wg-actions' }, submit, back),
  );
  age.setAttribute('aria-describedby', 'wg-age-hint');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!ranking.length) {
      replace(messages, notice('error', t('ballots.needOne'), { role: 'alert' }));
      focusElement(restList.querySelector('button'));
      return;
    }
    const pledgeRead = pledge.read();
    if (pledgeRead && pledgeRead.error) {
      replace(messages, notice('error', pledgeRead.error, { role: 'alert' }));
      focusElement(pledgeRead.focus);
      return;
    }
    submit.disabled = true;
    const body = { ranking: [...ranking] };
    if (neighbourhood && neighbourhood.value) body.neighbourhoodCode = neighbourhood.value;
    if (age.value) body.ageBand = age.value;
    if (pledgeRead) body.pledge = pledgeRead.pledge;
    const result = await staffApi(`/sessions/${session.id}/assisted-ballots`, { method: 'POST', body, idempotencyKey: key });
    submit.disabled = false;
    if (!result.ok) {
      if (result.status === 401) return;
      // The same key is kept for a retry after a network failure; a refused ballot gets a new one.
      if (!result.retryable) key = uuid();
      replace(messages, problemAlert(result));
      focusElement(messages);
      return;
    }
    key = uuid();
    ranking = [];
    if (neighbourhood) neighbourhood.value = '';
    age.value = '';
    pledge.clear();
    draw();
    await list.load();
    replace(messages, notice('success', t('ballots.saved'), { role: 'status' }));
    focusElement(messages);
  });
  draw();
  list.section.hidden = true;
  replace(main, ...top, h('p', { text: t('ballots.intro') }), counter, messages, form, list.section);
  await list.load();
}
