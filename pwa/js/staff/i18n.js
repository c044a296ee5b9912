/**
 * Languages for the staff pages (console, dashboard and workspace): Dutch and English.
 *
 * This reuses the shared i18n layer (js/i18n.js, which reads /i18n/<bundle>.<lang>.json). The
 * staff texts live in our own folders; a bundle name with a relative path reaches them,
 * because the browser resolves the dot segments of the address:
 *   '../dashboard/i18n/dashboard' → /dashboard/i18n/dashboard.nl.json
 */
import { setLanguage, detectLanguage, language } from '../i18n.js';

export const STAFF_LANGUAGES = [
  { code: 'nl', name: 'Nederlands' },
  { code: 'en', name: 'English' },
];
const CODES = STAFF_LANGUAGES.map((l) => l.code);
const STORE_KEY = 'wg.staff.language';

export const STAFF_BUNDLE = '../js/staff/i18n/staff';
export const DASHBOARD_BUNDLE = '../dashboard/i18n/dashboard';
export const CONSOLE_BUNDLE = '../console/i18n/console';
export const WORKSPACE_BUNDLE = '../workspace/i18n/workspace';

function stored() {
  try {
    return localStorage.getItem(STORE_KEY);
  } catch {
    return null;
  }
}

/** Load the staff texts plus `bundles` in the chosen (or stored, or browser's) language. */
export async function startLanguage(bundles, wanted) {
  let code = wanted || stored() || detectLanguage();
  if (!CODES.includes(code)) code = 'nl';
  await setLanguage(code, [STAFF_BUNDLE, ...bundles]);
  try {
    localStorage.setItem(STORE_KEY, code); // a preference only; never the sign-in token
  } catch {
    /* private mode: fine */
  }
  return code;
}

/** The other staff language (the header offers a one-click switch). */
export function otherLanguage() {
  return STAFF_LANGUAGES.find((l) => l.code !== language()) || STAFF_LANGUAGES[0];
}
