/**
 * Dialogues: the list, and the editor: title, question, period, the priorities with theme and
 * explanation in their order (move up/down), and every resident-facing text per language
 * (Dutch required, English and Arabic optional).
 */
import { h, replace, focusElement, announce } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { icon } from '../../js/icons.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { loadThemes, themeName } from '../../js/staff/themes.js';
import * as fmt from '../../js/staff/format.js';
import { wsApi, field, input, textarea, showErrors, whenSubmitted, showRefusal, amsterdamToday } from './common.js';

export const OTHER_LANGUAGES = ['en', 'ar'];
const MIN_PRIORITIES = 2;
const MAX_PRIORITIES = 30;

function link(href, text, attrs = {}) {
  return h('a', { href, class: 'wg-button wg-button--secondary', ...attrs, text });
}

export async function renderDialogues({ app, main, isCurrent }) {
  const place = app.municipality;
  replace(main, heading(t('ws.dialogues.title')), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const result = await wsApi(`/dialogues?municipality=${encodeURIComponent(place.cbsCode)}`);
  if (!isCurrent()) return;
  const flash = app.flashRegion();
  const create = h('a', { href: '#/dialogues/new', class: 'wg-button', id: 'wg-new-dialogue' }, icon('plus'), h('span', { text: t('ws.dialogues.new') }));
  if (!result.ok) {
    replace(main, heading(t('ws.dialogues.title')), flash, problemAlert(result));
    return;
  }
  const items = result.data.map((d) => {
    const titleId = `wg-dialogue-${d.id}-title`;
    return h(
      'li',
      { class: 'wg-ws-card', dataset: { dialogue: d.id } },
      h('h2', { id: titleId, text: d.title }),
      h('p', { text: t('ws.dialogues.period', { from: fmt.date(d.startsOn), to: fmt.date(d.endsOn), count: d.priorities.length }) }),
      h(
        'div',
        { class: 'wg-actions' },
        link(`#/dialogues/${d.id}`, t('ws.dialogues.edit'), { dataset: { action: 'edit' }, 'aria-describedby': titleId }),
        link(`#/dialogues/${d.id}/sessions`, t('ws.dialogues.sessions'), { dataset: { action: 'sessions' }, 'aria-describedby': titleId }),
        link(`#/dialogues/${d.id}/pledges`, t('ws.dialogues.pledges'), { dataset: { action: 'pledges' }, 'aria-describedby': titleId }),
        link(`#/dialogues/${d.id}/ideas`, t('ws.dialogues.ideas'), { dataset: { action: 'ideas' }, 'aria-describedby': titleId }),
        link(`#/dialogues/${d.id}/participation`, t('ws.dialogues.participation'), { dataset: { action: 'participation' }, 'aria-describedby': titleId }),
        link(`#/dialogues/${d.id}/agenda`, t('ws.dialogues.agenda'), { dataset: { action: 'agenda' }, 'aria-describedby': titleId }),
        link(`#/dialogues/${d.id}/report-back`, t('ws.dialogues.reportBack'), { dataset: { action: 'report-back' }, 'aria-describedby': titleId }),
      ),
    );
  });
  replace(
    main,
    heading(t('ws.dialogues.title')),
    flash,
    h('div', { class: 'wg-dialogue-intro' }, h('p', { class: 'wg-lead', text: t('ws.dialogues.intro') }), create),
    items.length ? h('ul', { class: 'wg-ws-cards', id: 'wg-dialogues', 'aria-label': t('ws.dialogues.listLabel') }, items) : h('p', { text: t('ws.dialogues.none') }),
  );
}

function emptyTranslations() {
  return Object.fromEntries(OTHER_LANGUAGES.map((lang) => [lang, { title: '', description: '' }]));
}

function fromApi(dialogue) {
  const translations = emptyTranslations();
  for (const lang of OTHER_LANGUAGES) Object.assign(translations[lang], (dialogue.translations || {})[lang] || {});
  return {
    hadTranslations: Object.keys(dialogue.translations || {}).length > 0,
    title: dialogue.title,
    description: dialogue.description || '',
    startsOn: dialogue.startsOn,
    endsOn: dialogue.endsOn,
    translations,
    priorities: [...dialogue.priorities]
      .sort((a, b) => a.position - b.position)
      .map((p) => {
        const tr = emptyTranslations();
        for (const lang of OTHER_LANGUAGES) Object.assign(tr[lang], (p.translations || {})[lang] || {});
        return { id: p.id, title: p.title, description: p.description || '', themeKey: p.themeKey, translations: tr, hadTranslations: Object.keys(p.translations || {}).length > 0, key: `p${p.id}` };
      }),
  };
}

let newKey = 0;
function blankPriority() {
  newKey += 1;
  return { id: null, title: '', description: '', themeKey: '', translations: emptyTranslations(), key: `new${newKey}` };
}

/** Only the languages with some text, trimmed. */
function translationsBody(translations) {
  const body = {};
  for (const lang of OTHER_LANGUAGES) {
    const value = translations[lang];
    if (value.title.trim() || value.description.trim()) body[lang] = { title: value.title.trim(), description: value.description.trim() };
  }
  return body;
}

/** `item` with its translations, left out when there are none and there were none before. */
function withTranslations(item, translations, hadSome) {
  const body = translationsBody(translations);
  return Object.keys(body).length || hadSome ? { ...item, translations: body } : item;
}

/** A text input bound to obj[key]; registered under `name` for the API's field errors. */
function bound(controls, name, obj, key, make, attrs) {
  const control = make({ ...attrs, value: obj[key] });
  control.addEventListener('input', () => {
    obj[key] = control.value;
  });
  controls.set(name, control);
  return control;
}

export async function renderDialogueEditor({ app, main, params, isCurrent }) {
  const place = app.municipality;
  const isNew = params[0] === 'new';
  const themes = [...(await loadThemes()).values()];
  let model;
  if (isNew) {
    model = { title: '', description: '', startsOn: amsterdamToday(), endsOn: '', translations: emptyTranslations(), priorities: [blankPriority(), blankPriority()] };
  } else {
    replace(main, heading(t('ws.editor.editTitle')), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
    const result = await wsApi(`/dialogues/${params[0]}`);
    if (!isCurrent()) return;
    if (!result.ok) {
      replace(main, heading(t('ws.editor.editTitle')), problemAlert(result));
      return;
    }
    model = fromApi(result.data);
  }
  const flash = app.flashRegion();
  const messages = h('div', { class: 'wg-form-messages' });
  const priorityList = h('ol', { class: 'wg-priority-editor', id: 'wg-priorities' });
  let controls = new Map();
  const dialogueControls = new Map();

  const langField = (lang, id, label, control) => {
    const wrapper = field({ id, label: t(label, { language: t(`ws.lang.${lang}`) }), input: control });
    control.setAttribute('lang', lang);
    if (lang === 'ar') control.setAttribute('dir', 'rtl');
    return wrapper;
  };

  const title = bound(dialogueControls, 'title', model, 'title', input, { id: 'wg-d-title', name: 'title', required: true, maxlength: '160' });
  const description = bound(dialogueControls, 'description', model, 'description', textarea, { id: 'wg-d-description', name: 'description', maxlength: '2000', rows: '4' });
  const startsOn = bound(dialogueControls, 'startsOn', model, 'startsOn', input, { id: 'wg-d-starts', name: 'startsOn', type: 'date', required: true, class: 'wg-input wg-input--date' });
  const endsOn = bound(dialogueControls, 'endsOn', model, 'endsOn', input, { id: 'wg-d-ends', name: 'endsOn', type: 'date', required: true, class: 'wg-input wg-input--date' });
  const dialogueTranslations = OTHER_LANGUAGES.map((lang) =>
    h(
      'fieldset',
      { class: 'wg-fieldset wg-translation', lang: null },
      h('legend', { class: 'wg-legend', text: t('ws.editor.inLanguage', { language: t(`ws.lang.${lang}`) }) }),
      langField(lang, `wg-d-title-${lang}`, 'ws.editor.titleIn', bound(dialogueControls, `translations.${lang}.title`, model.translations[lang], 'title', input, { id: `wg-d-title-${lang}`, maxlength: '160' })),
      langField(lang, `wg-d-description-${lang}`, 'ws.editor.questionIn', bound(dialogueControls, `translations.${lang}.description`, model.translations[lang], 'description', textarea, { id: `wg-d-description-${lang}`, maxlength: '2000' })),
    ),
  );

  /** Move a priority; focus returns to `focusId` (the field typed in) or to its button. */
  function move(index, delta, button, focusId) {
    const target = index + delta;
    if (target < 0 || target >= model.priorities.length) return;
    const [item] = model.priorities.splice(index, 1);
    model.priorities.splice(target, 0, item);
    drawPriorities();
    const card = priorityList.querySelector(`[data-key="${item.key}"]`);
    const again = card.querySelector(`[data-action="${button}"]`);
    const field = focusId && document.getElementById(focusId);
    focusElement(field || (again && !again.disabled ? again : card.querySelector('[data-action="up"], [data-action="down"]')));
    announce(t('ws.editor.moved', { title: item.title || t('ws.editor.untitled'), place: target + 1, count: model.priorities.length }));
  }

  function drawPriorities() {
    controls = new Map();
    const count = model.priorities.length;
    replace(
      priorityList,
      model.priorities.map((p, index) => {
        const base = `wg-p-${p.key}`;
        const name = (suffix) => `priorities.${index}.${suffix}`;
        const label = p.title || t('ws.editor.untitled');
        const theme = h(
          'select',
          { class: 'wg-select', id: `${base}-theme`, name: 'themeKey', required: true },
          h('option', { value: '', text: t('ws.editor.themeChoose') }),
          themes.map((th) => h('option', { value: th.key, selected: th.key === p.themeKey, text: themeName(th.key) })),
        );
        theme.addEventListener('change', () => {
          p.themeKey = theme.value;
        });
        controls.set(name('themeKey'), theme);
        const up = h('button', { type: 'button', class: 'wg-button wg-button--secondary wg-icon-button', dataset: { action: 'up' }, disabled: index === 0, 'aria-label': t('ws.editor.up', { title: label }) }, icon('up'));
        const down = h('button', { type: 'button', class: 'wg-button wg-button--secondary wg-icon-button', dataset: { action: 'down' }, disabled: index === count - 1, 'aria-label': t('ws.editor.down', { title: label }) }, icon('down'));
        const remove = h('button', { type: 'button', class: 'wg-button wg-button--subtle', dataset: { action: 'remove' }, disabled: count <= MIN_PRIORITIES, 'aria-label': t('ws.editor.remove', { title: label }) }, icon('remove'), h('span', { text: t('ws.editor.removeShort') }));
        up.addEventListener('click', () => move(index, -1, 'up'));
        down.addEventListener('click', () => move(index, 1, 'down'));
        remove.addEventListener('click', () => {
          model.priorities.splice(index, 1);
          drawPriorities();
          focusElement(priorityList.querySelectorAll('.wg-priority-card')[Math.min(index, model.priorities.length - 1)].querySelector('input'));
          announce(t('ws.editor.removed', { title: label }));
        });
        const titleInput = bound(controls, name('title'), p, 'title', input, { id: `${base}-title`, name: 'priorityTitle', required: true, maxlength: '120' });
        return h(
          'li',
          {
            class: 'wg-priority-card',
            dataset: { key: p.key },
            // Alt+↑/↓ moves the priority from wherever in it the focus is, as on the paper-ballot page.
            onkeydown: (event) => {
              if (!event.altKey || !['ArrowUp', 'ArrowDown'].includes(event.key)) return;
              event.preventDefault();
              const up = event.key === 'ArrowUp';
              move(index, up ? -1 : 1, up ? 'up' : 'down', event.target.id);
            },
          },
          h(
            'fieldset',
            { class: 'wg-fieldset' },
            h('legend', { class: 'wg-legend' }, t('ws.editor.priorityNumber', { place: index + 1 })),
            h('div', { class: 'wg-priority-card__tools' }, up, down, remove),
            h('div', { class: 'wg-form-grid' }, field({ id: `${base}-title`, label: t('ws.editor.priorityTitle'), input: titleInput }), field({ id: `${base}-theme`, label: t('ws.editor.theme'), input: theme })),
            field({ id: `${base}-description`, label: t('ws.editor.explanation'), hint: t('ws.editor.explanationHint'), input: bound(controls, name('description'), p, 'description', textarea, { id: `${base}-description`, maxlength: '500', rows: '2' }) }),
            h(
              'div',
              { class: 'wg-form-grid wg-translation' },
              OTHER_LANGUAGES.map((lang) =>
                h(
                  'div',
                  { class: 'wg-translation__language' },
                  langField(lang, `${base}-title-${lang}`, 'ws.editor.titleIn', bound(controls, name(`translations.${lang}.title`), p.translations[lang], 'title', input, { id: `${base}-title-${lang}`, maxlength: '120' })),
                  langField(lang, `${base}-description-${lang}`, 'ws.editor.explanationIn', bound(controls, name(`translations.${lang}.description`), p.translations[lang], 'description', textarea, { id: `${base}-description-${lang}`, maxlength: '500', rows: '2' })),
                ),
              ),
            ),
          ),
        );
      }),
    );
    addButton.disabled = count >= MAX_PRIORITIES;
  }

  const addButton = h('button', { type: 'button', class: 'wg-button wg-button--secondary', id: 'wg-add-priority' }, icon('plus'), h('span', { text: t('ws.editor.add') }));
  addButton.addEventListener('click', () => {
    model.priorities.push(blankPriority());
    drawPriorities();
    const cards = priorityList.querySelectorAll('.wg-priority-card');
    focusElement(cards[cards.length - 1].querySelector('input'));
  });
  drawPriorities();

  const submit = h('button', { type: 'submit', class: 'wg-button', id: 'wg-save-dialogue', text: t(isNew ? 'ws.editor.create' : 'ws.editor.save') });
  const form = h(
    'form',
    { class: 'wg-ws-form wg-dialogue-editor', novalidate: true, id: 'wg-dialogue-form' },
    messages,
    h(
      'section',
      { class: 'wg-panel', 'aria-labelledby': 'wg-editor-about' },
      h('h2', { id: 'wg-editor-about', text: t('ws.editor.about') }),
      field({ id: 'wg-d-title', label: t('ws.editor.title'), hint: t('ws.editor.titleHint'), input: title }),
      field({ id: 'wg-d-description', label: t('ws.editor.question'), hint: t('ws.editor.questionHint'), input: description }),
      h('div', { class: 'wg-form-grid' }, field({ id: 'wg-d-starts', label: t('ws.editor.startsOn'), input: startsOn }), field({ id: 'wg-d-ends', label: t('ws.editor.endsOn'), input: endsOn })),
      h('p', { class: 'wg-hint', text: t('ws.editor.translationsHint') }),
      dialogueTranslations,
    ),
    h(
      'section',
      { class: 'wg-panel', 'aria-labelledby': 'wg-editor-priorities' },
      h('h2', { id: 'wg-editor-priorities', text: t('ws.editor.priorities') }),
      h('p', { class: 'wg-hint', text: t('ws.editor.prioritiesHint') }),
      priorityList,
      h('div', { class: 'wg-actions' }, addButton),
    ),
    h('div', { class: 'wg-actions' }, submit, h('a', { href: '#/dialogues', class: 'wg-button wg-button--secondary', text: t('ws.editor.back') })),
  );

  whenSubmitted(form, messages, async () => {
    const errors = [];
    if (!model.title.trim()) errors.push([title, t('ws.error.required')]);
    if (!model.startsOn) errors.push([startsOn, t('ws.error.date')]);
    if (!model.endsOn) errors.push([endsOn, t('ws.error.date')]);
    else if (model.startsOn && model.endsOn < model.startsOn) errors.push([endsOn, t('ws.editor.endBeforeStart')]);
    const seen = new Set();
    model.priorities.forEach((p, index) => {
      const key = p.title.trim().toLocaleLowerCase();
      if (!key) errors.push([controls.get(`priorities.${index}.title`), t('ws.error.required')]);
      else if (seen.has(key)) errors.push([controls.get(`priorities.${index}.title`), t('ws.editor.sameTitle')]);
      seen.add(key);
      if (!p.themeKey) errors.push([controls.get(`priorities.${index}.themeKey`), t('ws.editor.themeChoose')]);
    });
    if (errors.length) {
      replace(messages, notice('error', t('ws.error.summary'), { role: 'alert' }));
      showErrors(errors);
      return;
    }
    const body = withTranslations(
      {
        title: model.title.trim(),
        description: model.description.trim(),
        startsOn: model.startsOn,
        endsOn: model.endsOn,
        priorities: model.priorities.map((p) =>
          withTranslations({ ...(p.id ? { id: p.id } : {}), title: p.title.trim(), description: p.description.trim(), themeKey: p.themeKey }, p.translations, p.hadTranslations),
        ),
      },
      model.translations,
      model.hadTranslations,
    );
    submit.disabled = true;
    const result = isNew
      ? await wsApi('/dialogues', { method: 'POST', body: { municipality: place.cbsCode, ...body } })
      : await wsApi(`/dialogues/${params[0]}`, { method: 'PATCH', body });
    submit.disabled = false;
    if (!result.ok) {
      if (result.status === 401) return;
      showRefusal(messages, result, (name) => controls.get(name) || dialogueControls.get(name));
      return;
    }
    app.navigate('dialogues', { message: { kind: 'success', text: t(isNew ? 'ws.editor.created' : 'ws.editor.saved', { title: result.data.title }) } });
  });
  replace(main, heading(t(isNew ? 'ws.editor.newTitle' : 'ws.editor.editTitle')), flash, h('p', { class: 'wg-lead', text: t('ws.editor.intro') }), form);
}
