/**
 * The agenda (step 4): what the municipality does with the dialogue's priorities. An item
 * links to one or more priorities, may name an indicator from the photo, and says who, with
 * whom, when, from which budget line and how far it is; pledges of residents and organisations
 * linked to it show what others contribute (residents only as a released count).
 */
import { h, replace, focusElement, announce } from '../../js/dom.js';
import { t, language } from '../../js/i18n.js';
import { icon } from '../../js/icons.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import * as fmt from '../../js/staff/format.js';
import { wsApi, field, input, textarea, clearErrors, showErrors, showRefusal } from './common.js';

const STATUSES = ['planned', 'underway', 'done', 'dropped'];
const HORIZONS = ['short', 'long'];

function blankItem() {
  return { title: '', goal: '', priorityIds: [], indicator: '', owner: '', partners: [], horizon: 'short', startsOn: '', endsOn: '', budgetLine: '', status: 'planned', translations: {} };
}

function priorityTitles(dialogue) {
  return new Map(dialogue.priorities.map((p) => [p.id, p.title]));
}

function contributionsText(contributions, minGroupSize) {
  if (!contributions) return null;
  const organisations = contributions.organisations || [];
  return [
    organisations.length ? t('ws.agenda.organisations', { names: organisations.map((o) => o.name).join(', ') }) : t('ws.agenda.noOrganisations'),
    contributions.residentPledges != null
      ? t('ws.agenda.residentPledges', { count: contributions.residentPledges })
      : t('ws.agenda.residentPledgesFew', { k: minGroupSize }),
  ].join(' ');
}

function itemCard(item, titles, { minGroupSize, onEdit, onDelete }) {
  const titleId = `wg-agenda-${item.id}-title`;
  const facts = [
    ['priorities', item.priorityIds.map((id) => titles.get(id) || `#${id}`).join('; ')],
    ['goal', item.goal],
    ['indicator', item.indicator],
    ['owner', item.owner],
    ['partners', (item.partners || []).join(', ')],
    ['horizon', t(`ws.agenda.horizon.${item.horizon}`)],
    ['period', item.startsOn || item.endsOn ? t('ws.agenda.periodValue', { from: item.startsOn ? fmt.date(item.startsOn) : '…', to: item.endsOn ? fmt.date(item.endsOn) : '…' }) : ''],
    ['budgetLine', item.budgetLine],
    ['status', t(`ws.agenda.status.${item.status}`)],
    ['contributions', contributionsText(item.contributions, minGroupSize)],
  ].filter(([, v]) => v);
  const edit = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'edit' }, 'aria-describedby': titleId, text: t('ws.edit') });
  const remove = h('button', { type: 'button', class: 'wg-button wg-button--subtle', dataset: { action: 'delete' }, 'aria-describedby': titleId }, icon('remove'), h('span', { text: t('ws.delete') }));
  edit.addEventListener('click', () => onEdit(item));
  remove.addEventListener('click', () => onDelete(item, card));
  const card = h(
    'li',
    { class: 'wg-ws-card wg-agenda-item', dataset: { item: item.id, status: item.status } },
    h('h3', { id: titleId, text: item.title }),
    h('dl', { class: 'wg-ws-facts' }, facts.map(([key, v]) => h('div', { dataset: { fact: key } }, h('dt', { text: t(`ws.agenda.fact.${key}`) }), h('dd', { text: v })))),
    h('div', { class: 'wg-actions' }, edit, remove),
  );
  return card;
}

function indicatorOptions(photo, chosen) {
  const options = [h('option', { value: '', text: t('ws.agenda.noIndicator') })];
  if (!photo) return options;
  for (const theme of photo.themes) {
    if (!theme.indicators.length) continue;
    options.push(
      h(
        'optgroup',
        { label: language() === 'en' ? theme.nameEn : theme.nameNl },
        theme.indicators.map((i) => h('option', { value: i.label, selected: i.label === chosen, text: i.label })),
      ),
    );
  }
  return options;
}

/** The item form; resolves nothing, calls onSaved(item) after a successful save. */
function itemForm({ dialogue, photo, item, onSaved, onCancel }) {
  const isNew = !item.id;
  const messages = h('div', { class: 'wg-form-messages' });
  const controls = new Map();
  const control = (name, el) => {
    controls.set(name, el);
    return el;
  };
  const title = control('title', input({ id: 'wg-ai-title', name: 'title', required: true, maxlength: '120', value: item.title }));
  const goal = control('goal', textarea({ id: 'wg-ai-goal', name: 'goal', maxlength: '1000', rows: '3', value: item.goal || '' }));
  const priorityBoxes = dialogue.priorities.map((p) =>
    h('label', { class: 'wg-check' }, h('input', { type: 'checkbox', name: 'priorityIds', value: String(p.id), checked: item.priorityIds.includes(p.id) }), h('span', { text: p.title })),
  );
  const priorities = h(
    'fieldset',
    { class: 'wg-fieldset wg-field', id: 'wg-ai-priorities', tabindex: '-1', 'aria-describedby': 'wg-ai-priorities-error', dataset: { field: 'wg-ai-priorities' } },
    h('legend', { class: 'wg-legend', text: t('ws.agenda.priorities') }),
    h('span', { class: 'wg-error-message', id: 'wg-ai-priorities-error', hidden: true }),
    h('div', { class: 'wg-checks' }, priorityBoxes),
  );
  controls.set('priorityIds', priorities);
  const indicator = control('indicator', h('select', { class: 'wg-select', id: 'wg-ai-indicator', name: 'indicator' }, indicatorOptions(photo, item.indicator || '')));
  const owner = control('owner', input({ id: 'wg-ai-owner', name: 'owner', maxlength: '120', value: item.owner || '' }));
  const partners = control('partners', textarea({ id: 'wg-ai-partners', name: 'partners', rows: '3', value: (item.partners || []).join('\n') }));
  const horizon = h(
    'fieldset',
    { class: 'wg-fieldset', id: 'wg-ai-horizon' },
    h('legend', { class: 'wg-legend', text: t('ws.agenda.horizonLabel') }),
    h('div', { class: 'wg-checks' }, HORIZONS.map((key) => h('label', { class: 'wg-check' }, h('input', { type: 'radio', name: 'horizon', value: key, checked: item.horizon === key }), h('span', { text: t(`ws.agenda.horizon.${key}`) })))),
  );
  const startsOn = control('startsOn', input({ id: 'wg-ai-starts', name: 'startsOn', type: 'date', class: 'wg-input wg-input--date', value: item.startsOn || '' }));
  const endsOn = control('endsOn', input({ id: 'wg-ai-ends', name: 'endsOn', type: 'date', class: 'wg-input wg-input--date', value: item.endsOn || '' }));
  const budgetLine = control('budgetLine', input({ id: 'wg-ai-budget', name: 'budgetLine', maxlength: '120', value: item.budgetLine || '' }));
  const status = control('status', h('select', { class: 'wg-select', id: 'wg-ai-status', name: 'status' }, STATUSES.map((s) => h('option', { value: s, selected: item.status === s, text: t(`ws.agenda.status.${s}`) }))));
  const en = (item.translations || {}).en || {};
  const titleEn = control('translations.en.title', input({ id: 'wg-ai-title-en', lang: 'en', maxlength: '120', value: en.title || '' }));
  const goalEn = control('translations.en.goal', textarea({ id: 'wg-ai-goal-en', lang: 'en', maxlength: '1000', rows: '2', value: en.goal || '' }));
  const submit = h('button', { type: 'submit', class: 'wg-button', id: 'wg-ai-save', text: t(isNew ? 'ws.agenda.create' : 'ws.agenda.save') });
  const cancel = h('button', { type: 'button', class: 'wg-button wg-button--secondary', id: 'wg-ai-cancel', text: t('ws.cancel') });
  cancel.addEventListener('click', onCancel);
  const form = h(
    'form',
    { class: 'wg-panel wg-ws-form', novalidate: true, id: 'wg-agenda-form', 'aria-labelledby': 'wg-agenda-form-title' },
    h('h2', { id: 'wg-agenda-form-title', tabindex: '-1', text: isNew ? t('ws.agenda.newTitle') : t('ws.agenda.editTitle', { title: item.title }) }),
    messages,
    field({ id: 'wg-ai-title', label: t('ws.agenda.title'), input: title }),
    field({ id: 'wg-ai-goal', label: t('ws.agenda.goal'), hint: t('ws.agenda.goalHint'), input: goal }),
    priorities,
    field({ id: 'wg-ai-indicator', label: t('ws.agenda.indicator'), hint: t(photo && photo.themes.some((th) => th.indicators.length) ? 'ws.agenda.indicatorHint' : 'ws.agenda.indicatorNoPhoto'), input: indicator }),
    h('div', { class: 'wg-form-grid' }, field({ id: 'wg-ai-owner', label: t('ws.agenda.owner'), hint: t('ws.agenda.ownerHint'), input: owner }), field({ id: 'wg-ai-budget', label: t('ws.agenda.budgetLine'), input: budgetLine })),
    field({ id: 'wg-ai-partners', label: t('ws.agenda.partners'), hint: t('ws.agenda.partnersHint'), input: partners }),
    horizon,
    h('div', { class: 'wg-form-grid' }, field({ id: 'wg-ai-starts', label: t('ws.agenda.startsOn'), input: startsOn }), field({ id: 'wg-ai-ends', label: t('ws.agenda.endsOn'), input: endsOn })),
    field({ id: 'wg-ai-status', label: t('ws.agenda.statusLabel'), input: status }),
    h(
      'fieldset',
      { class: 'wg-fieldset wg-translation' },
      h('legend', { class: 'wg-legend', text: t('ws.agenda.inEnglish') }),
      field({ id: 'wg-ai-title-en', label: t('ws.agenda.titleEn'), input: titleEn }),
      field({ id: 'wg-ai-goal-en', label: t('ws.agenda.goalEn'), input: goalEn }),
    ),
    h('div', { class: 'wg-actions' }, submit, cancel),
  );

  const setPrioritiesError = (message) => {
    const error = document.getElementById('wg-ai-priorities-error');
    error.textContent = message;
    error.hidden = false;
    priorities.classList.add('wg-field--error');
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    priorities.classList.remove('wg-field--error');
    replace(messages);
    const chosen = priorityBoxes.map((label) => label.querySelector('input')).filter((box) => box.checked).map((box) => Number(box.value));
    const partnerList = partners.value.split('\n').map((p) => p.trim()).filter(Boolean);
    const errors = [];
    if (!title.value.trim()) errors.push([title, t('ws.error.required')]);
    if (startsOn.value && endsOn.value && endsOn.value < startsOn.value) errors.push([endsOn, t('ws.agenda.endBeforeStart')]);
    if (partnerList.length > 20) errors.push([partners, t('ws.agenda.tooManyPartners')]);
    if (goalEn.value.trim() && !titleEn.value.trim()) errors.push([titleEn, t('ws.agenda.titleEnNeeded')]);
    if (errors.length || !chosen.length) {
      replace(messages, notice('error', t('ws.error.summary'), { role: 'alert' }));
      if (!chosen.length) setPrioritiesError(t('ws.agenda.choosePriority'));
      if (errors.length) showErrors(errors);
      else focusElement(priorityBoxes[0].querySelector('input'));
      return;
    }
    const translations = {};
    if (titleEn.value.trim() || goalEn.value.trim()) translations.en = { title: titleEn.value.trim(), goal: goalEn.value.trim() };
    const body = {
      title: title.value.trim(),
      goal: goal.value.trim(),
      priorityIds: chosen,
      indicator: indicator.value || null,
      owner: owner.value.trim(),
      partners: partnerList,
      horizon: form.querySelector('input[name=horizon]:checked')?.value || 'short',
      startsOn: startsOn.value || null,
      endsOn: endsOn.value || null,
      budgetLine: budgetLine.value.trim() || null,
      status: status.value,
      translations,
    };
    submit.disabled = true;
    const result = isNew
      ? await wsApi(`/dialogues/${dialogue.id}/agenda`, { method: 'POST', body })
      : await wsApi(`/agenda-items/${item.id}`, { method: 'PATCH', body });
    submit.disabled = false;
    if (!result.ok) {
      if (result.status === 401) return;
      showRefusal(messages, result, (name, reason) => {
        const key = name.replace(/^body\./, '');
        const el = controls.get(key) || controls.get(key.split('.')[0]);
        if (el !== priorities) return el;
        setPrioritiesError(reason); // a group of checkboxes: its own message
        return null;
      });
      return;
    }
    onSaved(result.data, isNew);
  });
  return form;
}

export async function renderAgenda({ app, main, params, isCurrent }) {
  const id = params[0];
  const place = app.municipality;
  replace(main, heading(t('ws.agenda.pageTitle')), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const [dialogue, agenda, photo] = await Promise.all([wsApi(`/dialogues/${id}`), wsApi(`/dialogues/${id}/agenda?lang=nl`), wsApi(`/municipalities/${place.cbsCode}/wellbeing`)]);
  if (!isCurrent()) return;
  const failed = [dialogue, agenda].find((r) => !r.ok);
  if (failed) {
    replace(main, heading(t('ws.agenda.pageTitle')), problemAlert(failed));
    return;
  }
  const titles = priorityTitles(dialogue.data);
  const items = [...agenda.data.items];
  const messages = h('div', { class: 'wg-form-messages', role: 'status', id: 'wg-agenda-messages' });
  const formHolder = h('div', { id: 'wg-agenda-form-holder' });
  const list = h('ul', { class: 'wg-ws-cards', id: 'wg-agenda', 'aria-label': t('ws.agenda.listLabel') });
  const newButton = h('button', { type: 'button', class: 'wg-button', id: 'wg-agenda-new' }, icon('plus'), h('span', { text: t('ws.agenda.new') }));

  const drawList = () => {
    replace(
      list,
      items.length
        ? items.map((item) => itemCard(item, titles, { minGroupSize: place.minGroupSize, onEdit: openForm, onDelete: confirmDelete }))
        : h('li', { class: 'wg-muted', id: 'wg-agenda-empty', text: t('ws.agenda.none') }),
    );
  };

  function closeForm(focusTarget) {
    replace(formHolder);
    newButton.hidden = false;
    focusElement(focusTarget || newButton);
  }

  function openForm(item) {
    newButton.hidden = true;
    replace(messages);
    const form = itemForm({
      dialogue: dialogue.data,
      photo: photo.ok ? photo.data : null,
      item: item || blankItem(),
      onCancel: () => closeForm(item ? list.querySelector(`[data-item="${item.id}"] [data-action=edit]`) : null),
      onSaved: (saved, isNew) => {
        if (isNew) items.push(saved);
        else items.splice(items.findIndex((i) => i.id === saved.id), 1, saved);
        drawList();
        replace(messages, notice('success', t(isNew ? 'ws.agenda.created' : 'ws.agenda.saved', { title: saved.title })));
        closeForm(list.querySelector(`[data-item="${saved.id}"] h3`));
      },
    });
    replace(formHolder, form);
    focusElement(form.querySelector('h2'));
  }

  function confirmDelete(item, card) {
    const actions = card.querySelector('.wg-actions');
    const yes = h('button', { type: 'button', class: 'wg-button', dataset: { action: 'confirm-delete' }, text: t('ws.agenda.confirmDelete') });
    const no = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'keep' }, text: t('ws.keep') });
    const question = h('p', { class: 'wg-confirm', role: 'alert', text: t('ws.agenda.deleteQuestion', { title: item.title }) });
    const before = [...actions.childNodes];
    replace(actions, question, yes, no);
    focusElement(no);
    no.addEventListener('click', () => {
      replace(actions, before);
      focusElement(actions.querySelector('[data-action=delete]'));
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      const result = await wsApi(`/agenda-items/${item.id}`, { method: 'DELETE' });
      if (!result.ok) {
        yes.disabled = false;
        if (result.status !== 401) replace(messages, problemAlert(result, { role: null }));
        return;
      }
      items.splice(items.indexOf(item), 1);
      drawList();
      announce(t('ws.agenda.deleted', { title: item.title }));
      replace(messages, notice('success', t('ws.agenda.deleted', { title: item.title })));
      focusElement(newButton);
    });
  }

  newButton.addEventListener('click', () => openForm(null));
  drawList();
  replace(
    main,
    heading(t('ws.agenda.titleOf', { title: dialogue.data.title })),
    app.flashRegion(),
    h('p', { class: 'wg-lead', text: t('ws.agenda.intro') }),
    h('p', { class: 'wg-links' }, h('a', { href: '#/dialogues', text: t('ws.back.dialogues') }), ' · ', h('a', { href: `#/dialogues/${id}/report-back`, text: t('ws.agenda.toReportBack') })),
    messages,
    h('div', { class: 'wg-actions' }, newButton),
    formHolder,
    h('section', { class: 'wg-panel', 'aria-labelledby': 'wg-agenda-list-title' }, h('h2', { id: 'wg-agenda-list-title', text: t('ws.agenda.listTitle') }), list),
  );
}
