/**
 * The entry of the one staff page (js/staff/page.html), which the server sends for /console/,
 * /dashboard/ and /workspace/. The first part of the address names the area: its style
 * sheets are added and its module (/<area>/js/main.js, whose default export is the area's
 * page) is started in the staff shell once both have arrived, so nothing is drawn unstyled.
 */
import { h } from '../dom.js';
import { startShell } from './shell.js';

const STYLES = {
  console: ['/console/console.css'],
  dashboard: ['/dashboard/dashboard.css'],
  // the workspace shows the console's session cards and the dashboard's maps too
  workspace: ['/console/console.css', '/dashboard/dashboard.css', '/workspace/workspace.css'],
};

function stylesheet(href) {
  return new Promise((resolve) => {
    document.head.append(h('link', { rel: 'stylesheet', href, onload: resolve, onerror: resolve }));
  });
}

const first = location.pathname.split('/')[1];
const area = Object.hasOwn(STYLES, first) ? first : 'console';
document.body.classList.add(`wg-staff--${area}`);
const [{ default: page }] = await Promise.all([import(`/${area}/js/main.js`), ...STYLES[area].map(stylesheet)]);
startShell(area, page);
