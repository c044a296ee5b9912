/** Line icons on a 24×24 grid (stroke = currentColor); theme icons by `theme.icon` name. */
import { svg } from './dom.js';

const CIRCLE = (cx, cy, r) => `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0z`;

const PATHS = {
  // Brede welvaart themes
  smile: [CIRCLE(12, 12, 9), 'M8 14.5s1.5 2 4 2 4-2 4-2', 'M9 9.5h.01M15 9.5h.01'],
  wallet: ['M3 7.5h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z', 'M3 7.5l12-4v4', 'M16.5 14h.01'],
  heart: ['M12 20s-8-4.7-8-10.3A4.3 4.3 0 0 1 12 7.3a4.3 4.3 0 0 1 8 2.4C20 15.3 12 20 12 20z'],
  briefcase: ['M4 7.5h16a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-10a1 1 0 0 1 1-1z', 'M9 7.5V5.5a1.5 1.5 0 0 1 1.5-1.5h3A1.5 1.5 0 0 1 15 5.5v2', 'M3 13h18'],
  home: ['M3 11l9-7.5 9 7.5', 'M5.5 9.5V20h13V9.5', 'M10 20v-5.5h4V20'],
  people: [CIRCLE(9, 8, 3.2), 'M3 20v-.5a6 6 0 0 1 12 0v.5', CIRCLE(17, 9, 2.4), 'M16.5 13.7a4.5 4.5 0 0 1 4.5 4.5v.8'],
  shield: ['M12 3l8 3v5.5c0 4.8-3.4 8.2-8 9.5-4.6-1.3-8-4.7-8-9.5V6z', 'M8.5 12l2.5 2.5 4.5-5'],
  tree: ['M12 21v-5', 'M12 3l6.5 8h-3l4 5h-15l4-5h-3z'],
  book: ['M4 5.5A2.5 2.5 0 0 1 6.5 3H20v15H6.5A2.5 2.5 0 0 0 4 20.5z', 'M4 20.5A2.5 2.5 0 0 1 6.5 18H20v3H6.5'],
  seedling: ['M12 21v-9', 'M12 12C12 8 9 5.5 4.5 5.5c0 4 3 6.5 7.5 6.5z', 'M12 10c0-3.4 2.4-6 6.5-6 0 3.4-2.4 6-6.5 6z'],
  circle: [CIRCLE(12, 12, 8)],
  // Interface
  up: ['M12 19V5', 'M5.5 11.5L12 5l6.5 6.5'],
  down: ['M12 5v14', 'M18.5 12.5L12 19l-6.5-6.5'],
  next: ['M5 12h14', 'M13 5.5l6.5 6.5-6.5 6.5'],
  previous: ['M19 12H5', 'M11 18.5L4.5 12 11 5.5'],
  grip: ['M5 8h14', 'M5 12h14', 'M5 16h14'],
  plus: ['M12 5v14M5 12h14'],
  remove: ['M6.5 6.5l11 11M17.5 6.5l-11 11'],
  speaker: ['M4 9.5h3.5L13 5v14l-5.5-4.5H4z', 'M16.5 9a4 4 0 0 1 0 6', 'M19 6.5a7.5 7.5 0 0 1 0 11'],
  stop: ['M7 7h10v10H7z'],
  globe: [CIRCLE(12, 12, 9), 'M3 12h18', 'M12 3c2.5 2.6 3.7 5.6 3.7 9s-1.2 6.4-3.7 9c-2.5-2.6-3.7-5.6-3.7-9S9.5 5.6 12 3z'],
  check: ['M5 12.5l4.5 4.5L19 7.5'],
  phone: ['M8 2.5h8A1.5 1.5 0 0 1 17.5 4v16a1.5 1.5 0 0 1-1.5 1.5H8A1.5 1.5 0 0 1 6.5 20V4A1.5 1.5 0 0 1 8 2.5z', 'M11 18.5h2'],
  alert: ['M12 3.5l9.5 17h-19z', 'M12 10v4.5', 'M12 17.5h.01'],
  info: [CIRCLE(12, 12, 9), 'M12 11v5.5', 'M12 7.5h.01'],
  search: [CIRCLE(10.5, 10.5, 6.5), 'M20.5 20.5l-5.2-5.2'],
  pin: ['M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21z', CIRCLE(12, 9.5, 2.5)],
  clock: [CIRCLE(12, 12, 9), 'M12 7v5l3.5 2'],
  tablet: ['M6 2.5h12A1.5 1.5 0 0 1 19.5 4v16a1.5 1.5 0 0 1-1.5 1.5H6A1.5 1.5 0 0 1 4.5 20V4A1.5 1.5 0 0 1 6 2.5z', 'M11 18.5h2'],
  refresh: ['M20 12a8 8 0 1 1-2.3-5.7', 'M20 4v4.5h-4.5'],
};

/** The names icon() knows. */
export const ICON_NAMES = Object.keys(PATHS);

/** A decorative <svg> icon (its meaning is in the text beside it); mirror flips it in RTL. */
export function icon(name, { mirror = false, className = '' } = {}) {
  const el = svg('svg', {
    class: ['wg-icon', mirror ? 'wg-icon--mirror' : '', className].filter(Boolean).join(' '),
    viewBox: '0 0 24 24',
    'aria-hidden': 'true',
    focusable: 'false',
  });
  for (const d of PATHS[name] || PATHS.circle) el.append(svg('path', { d }));
  return el;
}
