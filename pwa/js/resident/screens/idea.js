/**
 * "Wat mist er?": an optional idea of at most 280 characters on the thank-you screen, loaded
 * only when that screen is shown. Sent through the outbox (Idempotency-Key = the item's id),
 * like every resident write; the municipality reads it first, and masks contact details.
 */
import { h, replace, announce, focusElement, uid } from '../../dom.js';
import { t } from '../../i18n.js';
import { problemMessage, enqueue, API_BASE } from '../../api.js';
import { codeFromPath } from '../journey.js';
import { button, field, notice } from '../ui.js';

export const MAX_IDEA = 280;
export const MAX_IDEAS = 3;

/** What the resident sent and whether it arrived. */
function sentList(ctx) {
  const ideas = ctx.journey.ideas || [];
  return ideas.length > 0 && h('ul', { class: 'wg-plain-list wg-sent-list', role: 'list' }, ideas.map((itemId, index) => {
    const { state, problem } = ctx.statusOf(itemId);
    const label = t('idea.sentItem', { number: index + 1 });
    if (state === 'failed') {
      const m = problemMessage({ status: problem ? problem.status : 400, problem });
      return h('li', { class: 'wg-sent wg-sent--failed' }, h('strong', { text: label }), ` ${t('outbox.failed')} ${m.title}`);
    }
    const text = state === 'sent' ? t('outbox.received') : t(ctx.tablet ? 'outbox.saved.tablet' : 'outbox.saved.phone');
    return h('li', { class: `wg-sent wg-sent--${state === 'sent' ? 'ok' : 'waiting'}` }, h('strong', { text: label }), ` ${text}`);
  }));
}

/** Typing again takes the error away, in place (the field keeps focus). */
function clearError(area, textarea) {
  area.ideaError = null;
  area.querySelector('#wg-idea-text-error')?.remove();
  textarea.removeAttribute('aria-invalid');
  textarea.setAttribute('aria-describedby', textarea.getAttribute('aria-describedby').replace('wg-idea-text-error', '').trim());
  textarea.closest('.wg-field').classList.remove('wg-field--error');
}

function form(ctx, area, { onTyping }) {
  const draft = ctx.journey.ideaDraft || '';
  const counterId = uid('idea-counter');
  const counter = h('p', { class: 'wg-hint wg-counter', id: counterId });
  const left = (value) => MAX_IDEA - value.trim().length;
  const paint = (value) => { counter.textContent = t('idea.counter', { count: Math.max(0, left(value)) }); };
  let told = null;
  const textarea = h('textarea', {
    class: 'wg-textarea', dir: 'auto', rows: '3', maxlength: String(MAX_IDEA), 'aria-describedby': counterId, value: draft,
    onfocus: onTyping,
    oninput: (e) => {
      if (area.ideaError) clearError(area, e.target);
      ctx.update({ ideaDraft: e.target.value });
      paint(e.target.value);
      const mark = [0, 20, 50, 100].find((n) => left(e.target.value) <= n); // said only near the end
      if (mark !== undefined && mark !== told) { told = mark; announce(counter.textContent); }
    },
  });
  paint(draft);
  return h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const text = textarea.value.trim();
        area.ideaError = !text ? 'idea.empty' : text.length > MAX_IDEA ? 'idea.tooLong' : null;
        if (area.ideaError) {
          mountIdea(ctx, area, { onTyping });
          return focusElement(area.querySelector('textarea'));
        }
        const j = ctx.journey;
        const item = await enqueue({ journeyId: j.journeyId, joinCode: codeFromPath(), kind: 'idea', method: 'POST', url: `${API_BASE}/sessions/${j.checkIn.session.id}/ideas`, token: j.checkIn.participantToken, body: { text } });
        ctx.update({ ideas: [...(j.ideas || []), item.id], ideaDraft: '' });
        mountIdea(ctx, area, { onTyping });
        announce(t('idea.thanks'));
        focusElement(area.querySelector('#wg-idea-sent') || area.querySelector('h2'));
      },
    },
    field({ id: 'wg-idea-text', label: t('idea.label'), hint: t('idea.hint'), error: area.ideaError, control: textarea }),
    counter,
    h('div', { class: 'wg-button-row' }, button(t('idea.send'), null, { type: 'submit', variant: 'secondary', id: 'wg-idea-send' })),
  );
}

/** Draw the idea block into `area` (again after every change). */
export function mountIdea(ctx, area, { onTyping } = {}) {
  const sent = (ctx.journey.ideas || []).length;
  area.setAttribute('aria-labelledby', 'wg-idea-title');
  replace(
    area,
    h('h2', { id: 'wg-idea-title', tabindex: '-1', text: t('idea.title') }),
    h('p', { text: t('idea.intro', { municipality: ctx.session.municipalityName }) }),
    h('div', { id: 'wg-idea-sent', tabindex: '-1', role: 'status' }, sentList(ctx)),
    sent >= MAX_IDEAS ? notice('info', 'info', t('idea.max', { max: MAX_IDEAS })) : form(ctx, area, { onTyping }),
  );
  area.refresh = () => replace(area.querySelector('#wg-idea-sent'), sentList(ctx));
}
