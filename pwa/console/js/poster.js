/**
 * The printable poster and paper ballot: the API returns a complete A4 HTML page, fetched here
 * with the bearer token and opened in a new tab through a Blob URL.
 *
 * A Blob document inherits this page's Content-Security-Policy (style-src 'self'), which
 * blocks the poster's own <style> element. The console therefore re-applies that style text
 * through the CSSOM (a constructed stylesheet), which the policy allows, and adds a print
 * button. (A server-side alternative is in the report: a same-origin stylesheet link.)
 */
import { replace, focusElement } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { staffFetch } from '../../js/staff/auth.js';
import { problemAlert, notice } from '../../js/staff/problems.js';

function dress(win, css, printLabel) {
  const doc = win.document;
  try {
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync(`${css}\n@media print { .wg-poster-tools { display: none !important; } }\n.wg-poster-tools { position: fixed; inset-block-start: 8px; inset-inline-end: 8px; }\n.wg-poster-tools button { font: 700 16px system-ui, sans-serif; padding: 10px 18px; min-height: 48px; border-radius: 8px; border: 2px solid #01689b; background: #01689b; color: #fff; cursor: pointer; }`);
    doc.adoptedStyleSheets = [sheet];
  } catch {
    /* an old browser: the poster still shows, without its layout */
  }
  const tools = doc.createElement('div');
  tools.className = 'wg-poster-tools';
  const print = doc.createElement('button');
  print.type = 'button';
  print.textContent = printLabel;
  print.addEventListener('click', () => win.print());
  tools.append(print);
  doc.body.append(tools);
}

/** Fetch the poster and open it; messages go to `area`. */
export function openPoster(session, area, button) {
  return openPrintable(`/sessions/${session.id}/poster`, 'poster', area, button);
}

/** Fetch the session's paper ballot (a copy per language) and open it; messages go to `area`. */
export function openPaperBallot(session, area, button) {
  return openPrintable(`/sessions/${session.id}/paper-ballot`, 'paper', area, button);
}

/** Fetch a printable page and open it in a new tab; `texts` is the prefix of its messages. */
async function openPrintable(path, texts, area, button) {
  // Open the tab right away (inside the click), so no pop-up blocker stops it.
  const win = window.open('', '_blank');
  replace(area, notice('info', t(`${texts}.busy`), { role: 'status' }));
  const result = await staffFetch(path, { accept: 'text/html' });
  if (!result.ok) {
    if (win) win.close();
    if (result.status !== 401) replace(area, problemAlert(result));
    return;
  }
  const html = await result.response.text();
  const css = [...new DOMParser().parseFromString(html, 'text/html').querySelectorAll('style')].map((s) => s.textContent).join('\n');
  const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
  if (!win) {
    // Pop-ups blocked: offer a link instead (opens without the extra layout help).
    const link = document.createElement('a');
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener';
    link.textContent = t(`${texts}.link`);
    replace(area, notice('warning', t(`${texts}.blocked`)), link);
    focusElement(link);
    return;
  }
  win.location.href = url;
  const started = Date.now();
  const wait = setInterval(() => {
    let ready = false;
    try {
      ready = win.location.href === url && win.document.readyState === 'complete' && win.document.body;
    } catch {
      ready = false;
    }
    if (ready) {
      clearInterval(wait);
      dress(win, css, t(`${texts}.print`));
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } else if (Date.now() - started > 15000 || win.closed) {
      clearInterval(wait);
    }
  }, 50);
  replace(area, notice('success', t(`${texts}.opened`), { role: 'status' }));
  if (button) focusElement(button);
}
