/** SDG numbers as small badges; the full name of each goal is their text alternative. */
import { h } from './dom.js';
import { t } from './i18n.js';

/** "SDG 7" badges for these goals, or null; needs the `sdg.*` texts in the page's bundle. */
export function sdgBadges(sdgs) {
  if (!sdgs || !sdgs.length) return null;
  const names = sdgs.map((n) => t('sdg.label', { number: String(n), name: t(`sdg.${n}`) }));
  return h(
    'span',
    { class: 'wg-sdgs' },
    h('span', { class: 'wg-visually-hidden', text: `${t('sdg.group')}: ${names.join('; ')}` }),
    sdgs.map((n, i) => h('span', { class: 'wg-sdg', dataset: { sdg: n }, title: names[i], 'aria-hidden': 'true', text: `SDG ${n}` })),
  );
}
