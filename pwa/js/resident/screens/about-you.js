/**
 * "About you", after the ranking (loaded only when a journey gets there): how you take part,
 * and the OECD/CBS life-satisfaction question on a 0–10 scale. Both may be skipped; the
 * answers go with the ballot (sent again only when they changed).
 */
import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { PARTICIPANT_TYPES } from '../journey.js';
import { panel, actions, backButton, nextButton, radios, choice } from '../ui.js';

const SCORES = Array.from({ length: 11 }, (_, score) => score);

function lifeSatisfaction(ctx) {
  const { journey } = ctx;
  const ends = h('div', { class: 'wg-scale__ends', id: 'wg-life-ends' },
    h('span', { text: t('aboutYou.lifeLow') }), h('span', { text: t('aboutYou.lifeHigh') }));
  const pick = (value) => ctx.update({ lifeSatisfaction: value === '' ? null : Number(value) });
  const current = journey.lifeSatisfaction == null ? '' : String(journey.lifeSatisfaction);
  return h(
    'fieldset',
    { class: 'wg-fieldset', 'aria-describedby': 'wg-life-ends' },
    h('legend', { class: 'wg-legend', text: t('aboutYou.lifeQuestion') }),
    h('p', { class: 'wg-hint', text: t('aboutYou.lifeHint') }),
    ends,
    h('div', { class: 'wg-choices wg-scale' }, SCORES.map((score) => choice({
      type: 'radio', name: 'wg-life', option: { value: String(score), label: String(score) }, checked: current === String(score), onChange: pick,
    }))),
    h('div', { class: 'wg-choices' }, choice({
      type: 'radio', name: 'wg-life', option: { value: '', label: t('aboutYou.lifeNone') }, checked: current === '', onChange: pick,
    })),
  );
}

export function aboutYou(ctx) {
  const { journey } = ctx;
  return panel({
    name: 'about-you',
    title: t('aboutYou.title'),
    progress: ctx.progress,
    intro: t('aboutYou.intro'),
    body: [
      radios({
        name: 'wg-participant-type',
        legend: t('aboutYou.typeLegend'),
        options: [
          { value: '', label: t('aboutYou.type.none') },
          ...PARTICIPANT_TYPES.map((type) => ({ value: type, label: t(`aboutYou.type.${type}`), hint: t(`aboutYou.type.${type}.hint`) })),
        ],
        value: journey.participantType || '',
        onChange: (value) => ctx.update({ participantType: value || null }),
      }),
      lifeSatisfaction(ctx),
      h('p', { class: 'wg-hint', text: t('aboutYou.why') }),
      actions(backButton(ctx.back), nextButton(null, ctx.submitBallot)),
    ],
  });
}
