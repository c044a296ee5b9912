/**
 * Translations for every page, from /i18n/<bundle>.<lang>.json (a bundle may be a relative
 * path). Values: strings with {placeholders}, plurals ({one, other, …} by params.count), or
 * any JSON read with text().
 */
export const LANGUAGES = [
  { code: 'nl', name: 'Nederlands', dir: 'ltr', locale: 'nl-NL' },
  { code: 'en', name: 'English', dir: 'ltr', locale: 'en-GB' },
  { code: 'ar', name: 'العربية', dir: 'rtl', locale: 'ar' },
];
export const DEFAULT_LANGUAGE = 'nl';

let current = DEFAULT_LANGUAGE;
const texts = {};
const loading = {};

export const isSupported = (code) => LANGUAGES.some((l) => l.code === code);
export const language = () => current;
export const languageInfo = (code = current) => LANGUAGES.find((l) => l.code === code) || LANGUAGES[0];

/** The first of the phone's languages we have, else Dutch. */
export function detectLanguage(preferred) {
  for (const tag of preferred || navigator.languages || [navigator.language]) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (isSupported(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

function fetchBundle(bundle, lang) {
  const key = `${bundle}.${lang}`;
  if (!loading[key]) {
    loading[key] = fetch(`/i18n/${key}.json`, { credentials: 'omit' })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${key}: ${r.status}`))))
      .then((data) => { texts[lang] = { ...texts[lang], ...data }; });
    loading[key].catch(() => delete loading[key]);
  }
  return loading[key];
}

/** Use texts already being fetched (a page's entry may start that early) for a bundle. */
export function provide(bundle, lang, data) {
  const key = `${bundle}.${lang}`;
  loading[key] = Promise.resolve(data).then((d) => { texts[lang] = { ...texts[lang], ...d }; });
  loading[key].catch(() => delete loading[key]);
}

/** Load bundles (in parallel) and make the language current: sets <html lang dir>. */
export async function setLanguage(lang, bundles) {
  const code = isSupported(lang) ? lang : DEFAULT_LANGUAGE;
  await Promise.all(bundles.map((b) => fetchBundle(b, code)));
  current = code;
  document.documentElement.lang = code;
  document.documentElement.dir = languageInfo(code).dir;
  return code;
}

/** More bundles for the current language (e.g. the statements, when first opened). */
export const loadBundles = (bundles) => Promise.all(bundles.map((b) => fetchBundle(b, current)));

function lookup(key) {
  for (const lang of [current, 'en', 'nl']) {
    const value = texts[lang] && texts[lang][key];
    if (value !== undefined) return value;
  }
  return undefined;
}

const fill = (template, params) => template.replace(/\{(\w+)\}/g, (match, name) => {
  const value = params && params[name];
  if (value == null) return match;
  return typeof value === 'number' ? formatNumber(value) : String(value);
});

/** The text for a key with {placeholders} filled in; the key itself if it is missing. */
export function t(key, params) {
  let value = lookup(key);
  if (value === undefined) return key;
  if (value && typeof value === 'object') {
    const n = (params && params.count) || 0;
    const form = new Intl.PluralRules(languageInfo().locale).select(n);
    value = value[n === 0 && value.zero ? 'zero' : form] || value.other;
  }
  return fill(String(value), params);
}

/** Structured text (lists, sections), with {placeholders} filled in every string. */
export function text(key, params) {
  const walk = (v) => {
    if (typeof v === 'string') return fill(v, params);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(lookup(key));
}

export const has = (key) => lookup(key) !== undefined;

export const formatNumber = (value, options) => new Intl.NumberFormat(languageInfo().locale, options).format(value);
export const formatPercent = (share) => formatNumber(share, { style: 'percent', maximumFractionDigits: 0 });

/** A moment in the municipality's time zone, e.g. "vrijdag 27 november om 19:00". */
export function formatDateTime(iso, options) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(languageInfo().locale, {
    timeZone: 'Europe/Amsterdam', weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', ...options,
  }).format(date);
}

export const formatTime = (iso) => formatDateTime(iso, { weekday: undefined, day: undefined, month: undefined });
