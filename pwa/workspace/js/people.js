/**
 * Staff of the municipality: invite someone (a one-time link to pass on), see who works here,
 * deactivate an account, or make a new link when the old one was lost or expired.
 */
import { h, replace, focusElement, announce } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { dataTable } from '../../js/staff/data-table.js';
import * as fmt from '../../js/staff/format.js';
import { wsApi, field, input, showErrors, whenSubmitted, showRefusal } from './common.js';

const ROLES = ['coordinator', 'facilitator', 'analyst'];

/** The one-time link, selectable, with a copy button. */
function invitationBox(invitation, who) {
  const url = new URL(invitation.url, location.origin).href;
  const linkId = 'wg-invitation-link';
  const box = h('input', { class: 'wg-input wg-invitation__url', id: linkId, type: 'text', readonly: true, value: url, spellcheck: 'false' });
  const copied = h('p', { class: 'wg-invitation__copied', role: 'status' });
  const copy = h('button', { type: 'button', class: 'wg-button', id: 'wg-copy-link', text: t('ws.staff.copy') });
  copy.addEventListener('click', async () => {
    let ok = false;
    try {
      await navigator.clipboard.writeText(url);
      ok = true;
    } catch {
      box.select(); // no clipboard access: selected, ready for Ctrl+C
    }
    replace(copied, ok ? t('ws.staff.copied') : t('ws.staff.copyManually'));
  });
  return h(
    'div',
    { class: 'wg-alert wg-alert--success wg-invitation', id: 'wg-invitation' },
    h(
      'div',
      { class: 'wg-alert__body' },
      h('strong', { class: 'wg-alert__title', text: t('ws.staff.linkTitle', { who }) }),
      h('p', { text: t('ws.staff.linkHelp', { until: fmt.dateTime(invitation.expiresAt) }) }),
      h('label', { class: 'wg-label', for: linkId, text: t('ws.staff.link') }),
      h('div', { class: 'wg-invitation__row' }, box, copy),
      copied,
    ),
  );
}

function personRow({ person, me, linkArea, redraw }) {
  const name = person.fullName || person.email;
  const actions = h('div', { class: 'wg-table__actions' });
  const mayChange = person.role !== 'admin' && person.email !== me.email && person.isActive;
  if (mayChange) {
    const link = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'new-link' }, text: t('ws.staff.newLink'), 'aria-label': t('ws.staff.newLinkLabel', { name }) });
    link.addEventListener('click', async () => {
      const result = await wsApi(`/users/${person.id}/invitation`, { method: 'POST' });
      if (!result.ok) {
        if (result.status !== 401) replace(linkArea, problemAlert(result));
        focusElement(linkArea.firstChild);
        return;
      }
      replace(linkArea, invitationBox(result.data.invitation || result.data, name));
      focusElement(linkArea.querySelector('#wg-invitation-link'));
    });
    const off = h('button', { type: 'button', class: 'wg-button wg-button--subtle', dataset: { action: 'deactivate' }, text: t('ws.staff.deactivate'), 'aria-label': t('ws.staff.deactivateLabel', { name }) });
    off.addEventListener('click', () => {
      const yes = h('button', { type: 'button', class: 'wg-button', dataset: { action: 'confirm-deactivate' }, text: t('ws.staff.deactivateConfirm') });
      const no = h('button', { type: 'button', class: 'wg-button wg-button--secondary', text: t('ws.keep'), onclick: () => { replace(linkArea); focusElement(off); } });
      yes.addEventListener('click', async () => {
        const result = await wsApi(`/users/${person.id}`, { method: 'PATCH', body: { isActive: false } });
        if (!result.ok) {
          if (result.status !== 401) replace(linkArea, problemAlert(result));
          focusElement(linkArea.firstChild);
          return;
        }
        redraw({ kind: 'success', text: t('ws.staff.deactivated', { name }) });
      });
      replace(linkArea, h('div', { class: 'wg-alert wg-alert--warning', role: 'group', 'aria-label': t('ws.staff.deactivateQuestion', { name }) }, h('div', { class: 'wg-alert__body' }, h('p', { text: t('ws.staff.deactivateQuestion', { name }) }), h('div', { class: 'wg-actions' }, yes, no))));
      focusElement(yes);
    });
    actions.append(link, off);
  }
  return h(
    'tr',
    { dataset: { user: person.id, active: String(person.isActive) } },
    h('th', { scope: 'row', text: name }),
    h('td', { text: person.email }),
    h('td', { text: t(`ws.role.${person.role}`) }),
    h('td', { text: person.isActive ? t('ws.staff.active') : t('ws.staff.inactive') }),
    h('td', null, actions),
  );
}

export async function renderPeople({ app, main, me, isCurrent }) {
  const place = app.municipality;
  const redraw = (message) => app.navigate('staff', { message });
  replace(main, heading(t('ws.staff.title')), h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const result = await wsApi('/users');
  if (!isCurrent()) return;
  const flash = app.flashRegion();
  if (!result.ok) {
    replace(main, heading(t('ws.staff.title')), flash, problemAlert(result));
    return;
  }
  const linkArea = h('div', { class: 'wg-form-messages', id: 'wg-staff-messages' });
  const tableHolder = h('div');
  const drawTable = (list) => {
    const people = list.filter((p) => p.municipalities.includes(place.cbsCode)).sort((a, b) => Number(b.isActive) - Number(a.isActive) || (a.fullName || a.email).localeCompare(b.fullName || b.email));
    replace(
      tableHolder,
      people.length
        ? dataTable({
            caption: t('ws.staff.caption', { name: place.name }),
            id: 'wg-staff',
            columns: [...['name', 'email', 'role', 'status'].map((c) => t(`ws.staff.col.${c}`)), { label: t('ws.actions'), hidden: true }],
            rows: people.map((person) => personRow({ person, me, linkArea, redraw })),
          })
        : h('p', { text: t('ws.staff.none') }),
    );
  };
  drawTable(result.data);

  const messages = h('div', { class: 'wg-form-messages' });
  const role = h('select', { class: 'wg-select', id: 'wg-invite-role', name: 'role', required: true }, ROLES.map((r) => h('option', { value: r, selected: r === 'facilitator', text: t(`ws.role.${r}`) })));
  const email = input({ id: 'wg-invite-email', name: 'email', type: 'email', required: true, autocomplete: 'off', spellcheck: 'false' });
  const fullName = input({ id: 'wg-invite-name', name: 'fullName', maxlength: '120' });
  const submit = h('button', { type: 'submit', class: 'wg-button', id: 'wg-invite', text: t('ws.staff.invite') });
  const form = h(
    'form',
    { class: 'wg-ws-form', novalidate: true, id: 'wg-invite-form' },
    messages,
    field({ id: 'wg-invite-role', label: t('ws.staff.role'), hint: t('ws.staff.roleHint'), input: role }),
    h('div', { class: 'wg-form-grid' }, field({ id: 'wg-invite-email', label: t('ws.staff.email'), input: email }), field({ id: 'wg-invite-name', label: t('ws.staff.name'), input: fullName })),
    h('div', { class: 'wg-actions' }, submit),
  );
  whenSubmitted(form, messages, async () => {
    if (!email.value.trim() || !email.checkValidity()) return showErrors([[email, t('ws.error.email')]]);
    submit.disabled = true;
    const created = await wsApi('/users', {
      method: 'POST',
      body: { email: email.value.trim(), role: role.value, fullName: fullName.value.trim() || null, municipalities: [place.cbsCode] },
    });
    submit.disabled = false;
    if (!created.ok) {
      if (created.status === 401) return;
      showRefusal(messages, created, { email, role, fullName });
      return;
    }
    const who = created.data.fullName || created.data.email;
    email.value = '';
    fullName.value = '';
    if (created.data.invitation) {
      replace(messages, invitationBox(created.data.invitation, who));
      focusElement(messages.querySelector('#wg-invitation-link'));
    } else {
      replace(messages, notice('success', t('ws.staff.created', { who }), { role: 'status' }));
    }
    announce(t('ws.staff.invited', { who }));
    const fresh = await wsApi('/users');
    if (fresh.ok && isCurrent()) drawTable(fresh.data);
  });
  replace(
    main,
    heading(t('ws.staff.title')),
    flash,
    h('p', { class: 'wg-lead', text: t('ws.staff.intro') }),
    linkArea,
    tableHolder,
    h('section', { class: 'wg-panel', 'aria-labelledby': 'wg-invite-title' }, h('h2', { id: 'wg-invite-title', text: t('ws.staff.inviteTitle') }), form),
  );
}
