/** What the dashboard's modules share: the choices of the API and the query they make. */
import { t } from '../../js/i18n.js';

export const GROUP_BYS = ['neighbourhood', 'venueKind', 'ageBand', 'session', 'participantType', 'dialogue'];
/** Groupings of the whole dialogue only: the venue and age filters do not apply to them. */
export const UNFILTERED = ['participantType', 'municipality'];
export const VENUE_KINDS = ['library', 'youth_centre', 'community_centre', 'other'];
export const AGE_BANDS = ['12-17', '18-24', '25-44', '45-64', '65+'];

/** The groupings on offer for a dialogue: a regional one adds its member municipalities. */
export function groupBysOf(dialogue) {
  return dialogue.regionId ? [...GROUP_BYS.slice(0, -1), 'municipality', 'dialogue'] : GROUP_BYS;
}

/** The query string of a results request for this state. */
export function resultsQuery(state) {
  const groupBy = state.groupBy || 'neighbourhood';
  const params = new URLSearchParams({ groupBy });
  // Filtering on what is grouped by would leave one group: the API refuses it.
  if (UNFILTERED.includes(groupBy)) return params.toString();
  if (state.venueKind && groupBy !== 'venueKind') params.set('venueKind', state.venueKind);
  if (state.ageBand && groupBy !== 'ageBand') params.set('ageBand', state.ageBand);
  return params.toString();
}

/** The filters in words: "alle plekken, alle leeftijden" or "alleen bibliotheek, 12–17 jaar". */
export function filterSummary(state) {
  const groupBy = state.groupBy || 'neighbourhood';
  if (UNFILTERED.includes(groupBy)) return `${t('filters.allVenues')}, ${t('filters.allAges')}`;
  const venue = state.venueKind && groupBy !== 'venueKind' ? t('filters.onlyVenue', { venue: t(`venueKind.${state.venueKind}`) }) : t('filters.allVenues');
  const age = state.ageBand && groupBy !== 'ageBand' ? t('filters.onlyAge', { age: t(`ageBand.${state.ageBand}`) }) : t('filters.allAges');
  return `${venue}, ${age}`;
}

/** A safe element id for a group key (keys like "65+" or "WK085501"). */
export function groupId(key, prefix = 'g') {
  return `${prefix}-${String(key).replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0)}`)}`;
}

/** A group's name with its kind: "Wijk Centrum", "Buurt Binnenstad", "Bibliotheek". */
export function groupName(group) {
  if (group.kind === 'wijk') return t('group.wijk', { name: group.label });
  if (group.kind === 'buurt') return t('group.buurt', { name: group.label });
  if (group.kind === 'venueKind') return t(`venueKind.${group.key}`) === `venueKind.${group.key}` ? group.label : t(`venueKind.${group.key}`);
  if (group.kind === 'participantType') return t(`participantType.${group.key}`);
  if (group.kind === 'unknown') return t('group.unknown');
  if (group.kind === 'dialogue') return t('group.dialogue');
  return group.label;
}
