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

function formatted(moment, options) {
  if (Number.isNaN(moment.getTime())) return '';
  const locale = language() === 'en' ? 'en-GB' : 'nl-NL';
  return new Intl.DateTimeFormat(locale, { timeZone: 'Europe/Amsterdam', ...options }).format(moment);
}

const DAY = { day: 'numeric', month: 'long', year: 'numeric' };
const CLOCK = { hour: '2-digit', minute: '2-digit' };

/** A date (yyyy-mm-dd or ISO) as "20 november 2026". */
export function date(iso) {
  return formatted(new Date(String(iso).length === 10 ? `${iso}T12:00:00` : iso), DAY);
}

/** A moment as "20 november 2026 19:00". */
export function dateTime(iso) {
  return formatted(new Date(iso), { ...DAY, ...CLOCK });
}

/** A moment's clock time as "19:00". */
export function time(iso) {
  return formatted(new Date(iso), CLOCK);
}
