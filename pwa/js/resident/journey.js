/**
 * A journey through one session: steps, request bodies, and storage (localStorage, no cookies):
 * wg:journey:<CODE> is the progress, saved on every change; wg:setting:<name> device settings.
 */
import { uuid } from '../dom.js';

export const STEPS = ['welcome', 'language', 'neighbourhood', 'age', 'rank', 'about', 'pledge', 'thanks'];
export const PARTICIPANT_TYPES = ['resident', 'business', 'organisation', 'youth'];
/** Who may pledge in an organisation's name (its public name goes with the pledge). */
export const ORGANISATION_TYPES = ['organisation', 'business'];
export const AGE_BANDS = ['12-17', '18-24', '25-44', '45-64', '65+'];
export const PLEDGE_KINDS = ['time', 'skill', 'space', 'materials', 'network', 'other'];
export const MAX_PLEDGES = 5;
export const MAX_TEXT = 500;
export const SUGGESTED_TOP = 3;
/** Icons of the default themes, for when the theme list could not be fetched. */
export const THEME_ICONS = {
  welzijn: 'smile', 'materiele-welvaart': 'wallet', gezondheid: 'heart', 'arbeid-en-vrije-tijd': 'briefcase',
  wonen: 'home', samenleving: 'people', veiligheid: 'shield', milieu: 'tree', 'onderwijs-en-ontwikkeling': 'book', later: 'seedling',
};

/* ---------- Storage ---------- */

const memory = new Map(); // when storage is switched off the app still works, without memory
const store = (() => {
  try {
    localStorage.setItem('wg:probe', '1');
    localStorage.removeItem('wg:probe');
    return localStorage;
  } catch {
    return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => memory.set(k, v), removeItem: (k) => memory.delete(k),
      key: (i) => [...memory.keys()][i] ?? null, get length() { return memory.size; } };
  }
})();
const read = (key) => { try { return JSON.parse(store.getItem(`wg:${key}`)); } catch { return null; } };
const write = (key, value) => { try { store.setItem(`wg:${key}`, JSON.stringify(value)); } catch { /* full: keep going */ } };

export const loadJourney = (code) => { const j = read(`journey:${code}`); return j && j.v === 1 ? j : null; };
export const saveJourney = (code, journey) => write(`journey:${code}`, journey);
export const removeJourney = (code) => store.removeItem(`wg:journey:${code}`);
export const getSetting = (name) => read(`setting:${name}`);
export function setSetting(name, value) {
  if (value == null) store.removeItem(`wg:setting:${name}`);
  else write(`setting:${name}`, value);
}

/** Journeys on this device, newest first: [{joinCode, journey}]. */
export function journeys() {
  const found = [];
  for (let i = 0; i < store.length; i += 1) {
    const code = (/^wg:journey:(.+)$/.exec(store.key(i) || '') || [])[1];
    const journey = code && loadJourney(code);
    if (journey) found.push({ joinCode: code, journey });
  }
  return found.sort((a, b) => String(b.journey.updatedAt).localeCompare(a.journey.updatedAt));
}

/** Upper case without spaces or dashes, as people type codes from a poster. */
export const normaliseCode = (raw) => String(raw || '').toUpperCase().replace(/[^A-Z0-9]/g, '');

/** The join code in the address (/c/<code>), or null for the "type the code" page. */
export function codeFromPath(path = location.pathname) {
  const m = /^\/c\/([^/]+)\/?$/.exec(path);
  return (m && normaliseCode(decodeURIComponent(m[1]))) || null;
}

/* ---------- The journey ---------- */

function shuffled(values) {
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export const emptyPledge = () => ({ kind: '', hours: '', priorityId: '', text: '', consent: false, contact: '', organisationName: '', organisationKind: '' });

export function newJourney(joinCode, checkIn) {
  const now = new Date().toISOString();
  return {
    v: 1, journeyId: uuid(), joinCode, createdAt: now, updatedAt: now, checkIn,
    themes: null, neighbourhoods: null, lang: null, step: 'welcome', reached: 0,
    neighbourhoodCode: null, ageBand: null, ranking: [], participantType: null, lifeSatisfaction: null,
    // The list to choose from is shuffled once per person, so no priority gains from being first.
    poolOrder: shuffled(checkIn.priorities.map((p) => p.id)),
    ballotItemId: null, ballotSentBody: null, pledgeDraft: emptyPledge(), pledges: [],
  };
}

/**
 * The steps shown: no neighbourhood step once the municipality is known to have none. While its
 * neighbourhoods are still loading the step stays, so a quick tap does not skip the question.
 */
export const stepsOf = (j) => STEPS.filter((s) => s !== 'neighbourhood' || !j.neighbourhoods || j.neighbourhoods.length);

export function progressOf(j, step) {
  const counted = stepsOf(j).filter((s) => s !== 'welcome' && s !== 'thanks');
  return { number: counted.indexOf(step) + 1, total: counted.length };
}

export function nextStep(j, step) {
  const steps = stepsOf(j);
  return steps[Math.min(steps.indexOf(step) + 1, steps.length - 1)];
}

export function previousStep(j, step) {
  const steps = stepsOf(j);
  return steps[Math.max(steps.indexOf(step) - 1, 0)];
}

/** Open a step only up to the furthest one reached. */
export const mayOpen = (j, step) => STEPS.indexOf(step) >= 0 && STEPS.indexOf(step) <= j.reached && stepsOf(j).includes(step);

/** The body of PUT /sessions/{id}/ballot. */
export function ballotBody(j) {
  const body = { ranking: j.ranking.slice() };
  if (j.neighbourhoodCode) body.neighbourhoodCode = j.neighbourhoodCode;
  if (j.ageBand) body.ageBand = j.ageBand;
  if (j.participantType) body.participantType = j.participantType;
  if (j.lifeSatisfaction != null) body.lifeSatisfaction = j.lifeSatisfaction;
  return body;
}

/** Check a pledge draft: {body, errors: {field: textKey}}; `participantType` from the journey. */
export function pledgeBody(draft, participantType = null) {
  const errors = {};
  const body = {};
  if (draft.kind) body.kind = draft.kind;
  else errors.kind = 'pledge.kindError';
  const hours = String(draft.hours || '').trim().replace(',', '.');
  if (hours) {
    const n = Number(hours);
    if (!(n > 0 && n <= 40)) errors.hours = 'pledge.hoursError';
    else body.hoursPerMonth = Math.round(n * 10) / 10;
  }
  if (draft.priorityId) body.priorityId = Number(draft.priorityId);
  const text = String(draft.text || '').trim();
  if (text.length > MAX_TEXT) errors.text = 'pledge.textError';
  else if (text) body.text = text;
  if (draft.consent) {
    const contact = String(draft.contact || '').trim();
    if (contact.length < 3 || contact.length > 200) errors.contact = 'pledge.contactError';
    else Object.assign(body, { contact, contactConsent: true });
  }
  const organisation = ORGANISATION_TYPES.includes(participantType) && String(draft.organisationName || '').trim();
  if (organisation) {
    const kind = String(draft.organisationKind || '').trim();
    if (organisation.length > 120) errors.organisationName = 'aboutYou.organisationNameError';
    else if (draft.consent) errors.organisationName = 'aboutYou.organisationContactError';
    else Object.assign(body, { participantType, organisationName: organisation });
    if (kind.length > 60) errors.organisationKind = 'aboutYou.organisationKindError';
    else if (kind && body.organisationName) body.organisationKind = kind;
  }
  return { body, errors };
}

/** A session's tokens expire some hours after it ends. */
export function tokenValid(j) {
  const expires = Date.parse(j.checkIn && j.checkIn.expiresAt);
  return Number.isNaN(expires) || expires > Date.now();
}
