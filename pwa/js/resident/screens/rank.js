/**
 * Ranking: "my list" (best first) above the priorities to choose from. Order by dragging the
 * grip, with the up/down buttons, or on the grip with ArrowUp/ArrowDown/Home/End; every change
 * is announced ("… is now number 2 of 3").
 */
import { h, replace, announce, focusElement } from '../../dom.js';
import { icon } from '../../icons.js';
import { sdgBadges } from '../../sdg.js';
import { t } from '../../i18n.js';
import { SUGGESTED_TOP } from '../journey.js';
import { panel, actions, backButton, nextButton, notice, textLang, languageNote } from '../ui.js';

/** Drag an item by its handle (pointer events); neighbours move past it, so capture holds. */
function draggable(item, handle, onDrop) {
  let pointer = null;
  let startY = 0;
  let startIndex = 0;
  let moved = false;
  const indexOf = () => [...item.parentElement.children].indexOf(item);
  const middle = (el) => { const r = el.getBoundingClientRect(); return r.top + r.height / 2; };
  const move = (e) => {
    if (e.pointerId !== pointer) return;
    e.preventDefault();
    if (!moved && Math.abs(e.clientY - startY) < 4) return;
    moved = true;
    item.style.transform = `translateY(${e.clientY - startY}px)`;
    const before = item.offsetTop;
    const prev = item.previousElementSibling;
    const next = item.nextElementSibling;
    if (next && middle(item) > middle(next)) item.parentElement.insertBefore(next, item);
    else if (prev && middle(item) < middle(prev)) item.parentElement.insertBefore(prev, item.nextElementSibling);
    startY += item.offsetTop - before;
    item.style.transform = `translateY(${e.clientY - startY}px)`;
    if (e.clientY < 60) scrollBy(0, -12);
    else if (e.clientY > innerHeight - 60) scrollBy(0, 12);
  };
  const end = (e) => {
    if (e.pointerId !== pointer) return;
    pointer = null;
    for (const [type, fn] of listeners) handle.removeEventListener(type, fn);
    item.style.transform = '';
    item.classList.remove('is-dragging');
    if (moved) onDrop(e.type === 'pointercancel' ? startIndex : indexOf());
  };
  const listeners = [['pointermove', move], ['pointerup', end], ['pointercancel', end]];
  handle.addEventListener('pointerdown', (e) => {
    if (pointer !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    pointer = e.pointerId;
    startY = e.clientY;
    startIndex = indexOf();
    moved = false;
    handle.setPointerCapture(pointer);
    item.classList.add('is-dragging');
    handle.focus();
    for (const [type, fn] of listeners) handle.addEventListener(type, fn);
  });
}

export function rank(ctx) {
  const { journey } = ctx;
  const byId = new Map(journey.checkIn.priorities.map((p) => [p.id, p]));
  const ranking = () => journey.ranking.filter((id) => byId.has(id));
  const title = (id) => byId.get(id).title;
  const mine = h('ol', { class: 'wg-plain-list wg-rank-list', role: 'list', 'aria-labelledby': 'wg-rank-mine' });
  const pool = h('ul', { class: 'wg-plain-list wg-pool', role: 'list', 'aria-labelledby': 'wg-rank-pool' });
  const count = h('p', { class: 'wg-muted' });
  const errorSlot = h('div', { id: 'wg-rank-error' });
  const headingMine = h('h2', { id: 'wg-rank-mine', text: t('rank.mine') });
  const emptyMine = h('p', { class: 'wg-empty', text: t('rank.mineEmpty') });
  const emptyPool = h('p', { class: 'wg-empty', text: t('rank.poolEmpty') });

  const describe = (p) => {
    const theme = ctx.themeOf(p.themeKey);
    return [
      h('p', { class: 'wg-priority__theme' }, icon(theme.icon), h('span', { text: theme.name }), sdgBadges(p.sdgs || theme.sdgs), languageNote(p)),
      h('h3', { class: 'wg-priority__title', ...textLang(p), dir: 'auto', text: p.title }),
      p.description && h('p', { class: 'wg-priority__text', ...textLang(p), dir: 'auto', text: p.description }),
    ];
  };
  const say = (key, id, list) => announce(t(key, { title: title(id), position: list.indexOf(id) + 1, total: list.length }));

  function move(id, to, focusKey) {
    const list = ranking();
    const from = list.indexOf(id);
    const target = Math.max(0, Math.min(list.length - 1, to));
    if (from !== target) {
      list.splice(from, 1);
      list.splice(target, 0, id);
      ctx.update({ ranking: list });
    }
    draw(focusKey); // also after a drag that ended where it began: show the saved order
    say('rank.announce.position', id, list);
  }

  function add(id) {
    const before = journey.poolOrder.filter((pid) => byId.has(pid) && !ranking().includes(pid));
    const list = [...ranking(), id];
    ctx.update({ ranking: list });
    // Keep the keyboard in the list to choose from: the next "add" button.
    const after = before.filter((pid) => pid !== id);
    const next = after[Math.min(before.indexOf(id), after.length - 1)];
    draw(next === undefined ? `handle-${id}` : `add-${next}`);
    say('rank.announce.added', id, list);
  }

  function remove(id) {
    const list = ranking().filter((x) => x !== id);
    const at = ranking().indexOf(id);
    ctx.update({ ranking: list });
    const neighbour = list[Math.min(at, list.length - 1)];
    draw(neighbour === undefined ? 'heading' : `remove-${neighbour}`);
    announce(t('rank.announce.removed', { title: title(id) }));
  }

  const control = (key, id, label, glyph, attrs) => h('button', {
    type: 'button', class: 'wg-button wg-button--secondary', 'aria-label': label, dataset: { focusKey: `${key}-${id}` }, ...attrs,
  }, icon(glyph));

  function rankedItem(id, index, total) {
    const p = byId.get(id);
    const handle = control('handle', id, t('rank.handle', { title: p.title }), 'grip', { class: 'wg-button wg-button--secondary wg-rank-handle', 'aria-describedby': 'wg-rank-keys' });
    handle.addEventListener('keydown', (e) => {
      const at = ranking().indexOf(id);
      const to = { ArrowUp: at - 1, ArrowDown: at + 1, Home: 0, End: ranking().length - 1 }[e.key];
      if (to !== undefined && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        move(id, to, `handle-${id}`);
      }
    });
    const step = (delta) => () => {
      const to = ranking().indexOf(id) + delta;
      const atEnd = to <= 0 || to >= ranking().length - 1;
      move(id, to, `${atEnd ? (delta < 0 ? 'down' : 'up') : delta < 0 ? 'up' : 'down'}-${id}`);
    };
    const li = h(
      'li',
      { class: 'wg-rank-item' },
      h('span', { class: 'wg-rank-item__position', 'aria-hidden': 'true', text: String(index + 1) }),
      h('div', { class: 'wg-rank-item__body' }, describe(p), h('div', { class: 'wg-rank-item__controls' },
        handle,
        control('up', id, t('rank.up', { title: p.title }), 'up', { disabled: index === 0, onclick: step(-1) }),
        control('down', id, t('rank.down', { title: p.title }), 'down', { disabled: index === total - 1, onclick: step(1) }),
        h('button', {
          type: 'button', class: 'wg-button wg-button--subtle wg-rank-remove', 'aria-label': t('rank.removeLabel', { title: p.title }),
          dataset: { focusKey: `remove-${id}` }, onclick: () => remove(id),
        }, icon('remove'), h('span', { text: t('rank.remove') })))),
    );
    draggable(li, handle, (to) => move(id, to, `handle-${id}`));
    return li;
  }

  const poolItem = (id) => h('li', { class: 'wg-pool-item' }, describe(byId.get(id)), h('button', {
    type: 'button', class: 'wg-button wg-button--secondary wg-pool-add', 'aria-label': t('rank.addLabel', { label: t('rank.add'), title: title(id) }),
    dataset: { focusKey: `add-${id}` }, onclick: () => add(id),
  }, icon('plus'), h('span', { text: t('rank.add') })));

  function draw(focusKey) {
    const list = ranking();
    const rest = journey.poolOrder.filter((id) => byId.has(id) && !list.includes(id));
    for (const id of byId.keys()) if (!list.includes(id) && !rest.includes(id)) rest.push(id); // added after check-in
    replace(mine, list.map((id, i) => rankedItem(id, i, list.length)));
    replace(pool, rest.map(poolItem));
    mine.hidden = !list.length;
    emptyMine.hidden = list.length > 0;
    emptyPool.hidden = rest.length > 0;
    count.textContent = list.length ? t('rank.count', { count: list.length, suggested: SUGGESTED_TOP }) : t('rank.countNone', { suggested: SUGGESTED_TOP });
    if (list.length) replace(errorSlot);
    const target = focusKey === 'heading' ? headingMine : focusKey && section.querySelector(`[data-focus-key="${focusKey}"]`);
    if (target && !target.disabled) focusElement(target);
  }

  const submit = () => {
    if (ranking().length) return ctx.submitBallot();
    replace(errorSlot, notice('error', 'alert', t('rank.needOne')));
    errorSlot.firstChild.setAttribute('role', 'alert');
    return focusElement(headingMine);
  };

  const section = panel({
    name: 'rank',
    title: t('rank.title'),
    progress: ctx.progress,
    intro: t('rank.intro', { suggested: SUGGESTED_TOP }),
    body: [
      h('p', { class: 'wg-visually-hidden', id: 'wg-rank-keys', text: t('rank.keys') }),
      headingMine, count, emptyMine, mine, errorSlot,
      h('h2', { id: 'wg-rank-pool', text: t('rank.pool') }), emptyPool, pool,
      actions(backButton(ctx.back), nextButton(t('rank.submit'), submit)),
    ],
  });
  draw(null);
  return section;
}
