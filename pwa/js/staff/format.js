/**
 * How the staff pages write the figures. Scores (0…1 in the API) are shown on a 0–100 scale
 * with one decimal; shares as whole percentages; the mean rank with one decimal.
 */
import { formatNumber, formatPercent, language } from '../i18n.js';

export function score(value) {
  return formatNumber(value * 100, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

export function scoreInterval(low, high) {
  return `${score(low)}–${score(high)}`;
}

export function share(value) {
  return formatPercent(value);
}

export function meanRank(value) {
  return formatNumber(value, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

export function hours(value) {
  return formatNumber(value, { maximumFractionDigits: 1 });
}

/** A date (yyyy-mm-dd or ISO) as "20 november 2026". */
export function date(iso) {
  const d = new Date(String(iso).length === 10 ? `${iso}T12:00:00` : iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(language() === 'en' ? 'en-GB' : 'nl-NL', {
    timeZone: 'Europe/Amsterdam',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(d);
}

/** A moment as "20 november 2026 19:00". */
export function dateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(language() === 'en' ? 'en-GB' : 'nl-NL', {
    timeZone: 'Europe/Amsterdam',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}

export function time(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(language() === 'en' ? 'en-GB' : 'nl-NL', {
    timeZone: 'Europe/Amsterdam',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}
