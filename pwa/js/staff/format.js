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

// Sessions happen in the municipality's time zone, whatever the browser is set to.
const ZONE = 'Europe/Amsterdam';

function formatted(moment, options) {
  if (Number.isNaN(moment.getTime())) return '';
  const locale = language() === 'en' ? 'en-GB' : 'nl-NL';
  return new Intl.DateTimeFormat(locale, { timeZone: ZONE, ...options }).format(moment);
}

const WALL_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** The Amsterdam wall clock at a moment, as {year, month, day, hour, minute, second} numbers. */
function wallClock(ms) {
  const parts = {};
  for (const { type, value } of WALL_CLOCK.formatToParts(new Date(ms))) parts[type] = Number(value);
  return parts;
}

/** How far Amsterdam's clock is ahead of UTC at a moment, in milliseconds. */
function zoneOffset(ms) {
  const c = wallClock(ms);
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) - Math.floor(ms / 1000) * 1000;
}

/** A date ("2026-12-06") and clock time ("19:00") in Amsterdam as a moment (a Date). */
export function amsterdamMoment(isoDate, clock) {
  const [year, month, day] = isoDate.split('-').map(Number);
  const [hour, minute] = clock.split(':').map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const guess = wall - zoneOffset(wall);
  return new Date(wall - zoneOffset(guess)); // the offset at the moment itself (summer time)
}

/** Today's date in Amsterdam as yyyy-mm-dd. */
export function amsterdamToday() {
  const c = wallClock(Date.now());
  return [c.year, c.month, c.day].map((n, i) => String(n).padStart(i ? 2 : 4, '0')).join('-');
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
