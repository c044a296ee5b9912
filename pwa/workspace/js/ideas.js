/**
 * Moderating residents' ideas ("wat mist er?"): nothing a resident wrote is shown beyond the
 * municipality until approved here. Contact details were masked before the idea was stored;
 * the masked parts are marked. Approve or reject each idea (with a theme); after a decision
 * focus moves to the next idea and the decision is announced. An approved idea can become a
 * priority of a dialogue that has not started yet.
 */
import { h, replace, focusElement, announce } from '../../js/dom.js';
import { t, language } from '../../js/i18n.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { wsApi } from './common.js';

const FILTERS = ['pending', 'approved', 'rejected'];
const MARKER = /\[(email|phone|postcode|iban)\]/g;

const themeName = (theme) => (language() === 'nl' ? theme.nameNl : theme.nameEn);

/** The idea's text with every masked part shown as a marked, named placeholder. */
function maskedText(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    parts.push(text.slice(last, match.index));
    parts.push(h('mark', { class: 'wg-masked', dataset: { masked: match[1] }, text: t(`ws.ideas.masked.${match[1]}`) }));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return h('p', { class: 'wg-idea__text', dir: 'auto' }, parts);
}

function themeSelect({ idea, label, themes }) {
  return h(
    'select',
    { class: 'wg-select', id: `wg-idea-${idea.id}-theme`, name: 'theme', 'aria-label': t('ws.ideas.themeOf', { what: label }) },
    h('option', { value: '', text: t('ws.ideas.noTheme') }),
    themes.map((theme) => h('option', { value: String(theme.id), selected: idea.theme && idea.theme.id === theme.id, text: themeName(theme) })),
  );
}

export async function renderIdeas({ app, main, params, query, isCurrent }) {
  const id = params[0];
  const filter = FILTERS.includes(query.get('status')) ? query.get('status') : 'pending';
  replace(main, heading(t('ws.ideas.title')), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const [dialogue, listed] = await Promise.all([wsApi(`/dialogues/${id}`), wsApi(`/dialogues/${id}/ideas?status=${filter}`)]);
  if (!isCurrent()) return;
  const flash = app.flashRegion();
  const failed = [dialogue, listed].find((r) => !r.ok);
  if (failed) {
    replace(main, heading(t('ws.ideas.title')), flash, problemAlert(failed));
    return;
  }
  const { ideas, themes, draftDialogues, total } = listed.data;
  const messages = h('div', { class: 'wg-form-messages', role: 'status', id: 'wg-ideas-messages' });
  const list = h('ol', { class: 'wg-ws-cards wg-ideas', id: 'wg-ideas', 'aria-label': t(`ws.ideas.listOf.${filter}`) });
  const empty = h('p', { id: 'wg-ideas-none', tabindex: '-1', text: t(`ws.ideas.none.${filter}`), hidden: ideas.length > 0 });

  const fail = (result, control) => {
    if (result.status !== 401) replace(messages, problemAlert(result, { role: null }));
    focusElement(control);
  };

  /** After a decision that takes the idea out of this list: focus the next idea (or the one before). */
  const leave = (item) => {
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    if (next) focusElement(next.querySelector('h2'));
    else {
      empty.hidden = false;
      focusElement(empty);
    }
  };

  const priorityControls = (idea, label) => {
    if (idea.status !== 'approved') return null;
    if (idea.priorityId) return h('p', { class: 'wg-idea__done', text: t('ws.ideas.isPriority') });
    if (!draftDialogues.length) return h('p', { class: 'wg-hint', text: t('ws.ideas.noDrafts') });
    const select = h(
      'select',
      { class: 'wg-select', id: `wg-idea-${idea.id}-dialogue`, name: 'dialogue', 'aria-label': t('ws.ideas.draftFor', { what: label }) },
      draftDialogues.map((d) => h('option', { value: String(d.id), text: d.title })),
    );
    const make = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'priority' }, text: t('ws.ideas.makePriority'), 'aria-label': t('ws.ideas.makePriorityOf', { what: label }) });
    make.addEventListener('click', async () => {
      const result = await wsApi(`/ideas/${encodeURIComponent(idea.id)}/priority`, { method: 'POST', body: { dialogueId: Number(select.value) } });
      if (!result.ok) return fail(result, make);
      idea.priorityId = result.data.id;
      const title = select.selectedOptions[0].textContent;
      const said = t('ws.ideas.priorityMade', { what: label, dialogue: title });
      replace(messages, notice('success', said));
      announce(said);
      const row = make.closest('.wg-idea__priority');
      replace(row, h('p', { class: 'wg-idea__done', tabindex: '-1', text: t('ws.ideas.isPriority') }));
      focusElement(row.firstChild);
    });
    return h('div', { class: 'wg-idea__row' }, h('label', { class: 'wg-label', for: select.id, text: t('ws.ideas.draft') }), select, make);
  };

  const card = (idea, index) => {
    const label = t('ws.ideas.number', { number: index + 1 });
    const titleId = `wg-idea-${idea.id}-title`;
    const theme = themeSelect({ idea, label, themes });
    const decide = async (status, button) => {
      const body = { status, themeId: theme.value ? Number(theme.value) : null };
      const result = await wsApi(`/ideas/${encodeURIComponent(idea.id)}`, { method: 'PATCH', body });
      if (!result.ok) return fail(result, button);
      const said = t(`ws.ideas.decided.${status}`, { what: label });
      replace(messages, notice('success', said));
      announce(said);
      if (status !== filter) return leave(item);
      Object.assign(idea, result.data);
      focusElement(item.querySelector('h2'));
    };
    const buttons = ['approved', 'rejected'].filter((s) => s !== idea.status).map((status) => {
      const button = h('button', {
        type: 'button',
        class: status === 'approved' ? 'wg-button' : 'wg-button wg-button--secondary',
        dataset: { action: status === 'approved' ? 'approve' : 'reject' },
        'aria-describedby': titleId,
        text: t(`ws.ideas.${status === 'approved' ? 'approve' : 'reject'}`),
      });
      button.addEventListener('click', () => decide(status, button));
      return button;
    });
    const kinds = idea.maskedKinds.length > 0 && h('p', { class: 'wg-hint', text: t('ws.ideas.maskedKinds', { kinds: idea.maskedKinds.map((k) => t(`ws.ideas.kind.${k}`)).join(', ') }) });
    const item = h(
      'li',
      { class: 'wg-ws-card wg-idea', dataset: { idea: idea.id, status: idea.status } },
      h('h2', { id: titleId, tabindex: '-1', class: 'wg-idea__title', text: label }),
      maskedText(idea.text),
      kinds,
      h('div', { class: 'wg-idea__row' }, h('label', { class: 'wg-label', for: theme.id, text: t('ws.ideas.theme') }), theme, ...buttons),
      h('div', { class: 'wg-idea__priority' }, priorityControls(idea, label)),
    );
    return item;
  };

  const filters = h(
    'ul',
    { class: 'wg-idea-filters', 'aria-label': t('ws.ideas.filter') },
    FILTERS.map((f) => h('li', null, h('a', { href: `#/dialogues/${id}/ideas?status=${f}`, 'aria-current': f === filter ? 'page' : null, dataset: { filter: f }, text: t(`ws.ideas.filter.${f}`) }))),
  );
  replace(list, ideas.map(card));
  replace(
    main,
    heading(t('ws.ideas.titleOf', { title: dialogue.data.title })),
    flash,
    h('p', { class: 'wg-lead', text: t('ws.ideas.intro') }),
    h('p', null, h('a', { href: '#/dialogues', text: t('ws.back.dialogues') })),
    h('nav', { 'aria-label': t('ws.ideas.filter') }, filters),
    h('p', { id: 'wg-ideas-summary', text: t('ws.ideas.summary', { count: total }) }),
    messages,
    list,
    empty,
    h('p', { class: 'wg-hint', text: t('ws.ideas.privacy') }),
  );
}
