/** Municipality settings (name, colour, logo, contacts, group size, retention) and, for admins,
 * the list of municipalities with a form to add one. */
import { h, replace, focusElement, announce } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import { dataTable } from '../../js/staff/data-table.js';
import { wsApi, sendBody, field, input, showErrors, whenSubmitted, showRefusal } from './common.js';

const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const LOGO_MAX_BYTES = 256 * 1024;

export async function renderMunicipalities({ app, main }) {
  const flash = app.flashRegion();
  const rows = app.municipalities.map((m) =>
    h(
      'tr',
      { dataset: { code: m.cbsCode } },
      h('th', { scope: 'row', text: m.name }),
      h('td', { text: m.cbsCode }),
      h(
        'td',
        null,
        h('button', {
          type: 'button',
          class: 'wg-button wg-button--secondary',
          dataset: { action: 'pick' },
          'aria-label': t('ws.places.pickLabel', { name: m.name }),
          text: t('ws.places.pick'),
          onclick: () => {
            app.setMunicipality(m.cbsCode);
            app.navigate('settings', { message: { kind: 'success', text: t('ws.nav.switched', { name: m.name }) } });
          },
        }),
      ),
    ),
  );
  const table = rows.length
    ? dataTable({
        caption: t('ws.places.caption'),
        id: 'wg-places',
        columns: [t('ws.places.name'), t('ws.places.code'), { label: t('ws.actions'), hidden: true }],
        rows,
      })
    : h('p', { text: t('ws.places.none') });

  const messages = h('div', { class: 'wg-form-messages' });
  const code = input({ id: 'wg-new-code', name: 'cbsCode', required: true, maxlength: '6', class: 'wg-input wg-input--short', spellcheck: 'false' });
  const name = input({ id: 'wg-new-name', name: 'name', required: true, maxlength: '120' });
  const form = h(
    'form',
    { class: 'wg-panel wg-ws-form', novalidate: true, id: 'wg-new-place' },
    h('h2', { text: t('ws.places.new') }),
    messages,
    h('div', { class: 'wg-form-grid' }, field({ id: 'wg-new-code', label: t('ws.places.code'), hint: t('ws.places.codeHint'), input: code }), field({ id: 'wg-new-name', label: t('ws.places.name'), input: name })),
    h('div', { class: 'wg-actions' }, h('button', { type: 'submit', class: 'wg-button', id: 'wg-create-place', text: t('ws.places.create') })),
  );
  whenSubmitted(form, messages, async () => {
    const errors = [];
    const cbsCode = code.value.trim().toUpperCase();
    if (!/^GM\d{4}$/.test(cbsCode)) errors.push([code, t('ws.places.codeWrong')]);
    if (!name.value.trim()) errors.push([name, t('ws.error.required')]);
    if (errors.length) {
      showErrors(errors);
      return;
    }
    const result = await wsApi('/municipalities', { method: 'POST', body: { cbsCode, name: name.value.trim() } });
    if (!result.ok) {
      if (result.status === 401) return;
      showRefusal(messages, result, { cbsCode: code, name });
      return;
    }
    await app.reloadMunicipalities();
    app.setMunicipality(result.data.cbsCode);
    app.navigate('settings', { message: { kind: 'success', text: t('ws.places.created', { name: result.data.name }) } });
  });
  replace(main, heading(t('ws.places.title')), flash, h('p', { class: 'wg-lead', text: t('ws.places.intro') }), table, form);
}

function logoSection(app, place) {
  const status = h('div', { class: 'wg-form-messages', role: 'status' });
  const preview = h('div', { class: 'wg-logo-preview' });
  const drawPreview = (url) => {
    replace(preview, url ? h('img', { src: `${url}${url.includes('?') ? '&' : '?'}v=${Date.now()}`, alt: t('ws.settings.logoAlt', { name: place.name }), id: 'wg-logo-image' }) : h('p', { class: 'wg-muted', text: t('ws.settings.noLogo') }));
  };
  drawPreview(place.logoUrl);
  const file = h('input', { type: 'file', class: 'wg-input', id: 'wg-logo-file', name: 'logo', accept: LOGO_TYPES.join(',') });
  const upload = h('button', { type: 'submit', class: 'wg-button wg-button--secondary', id: 'wg-logo-upload', text: t('ws.settings.logoUpload') });
  const remove = h('button', { type: 'button', class: 'wg-button wg-button--subtle', id: 'wg-logo-remove', hidden: !place.logoUrl, text: t('ws.settings.logoRemove') });
  const form = h(
    'form',
    { class: 'wg-logo', novalidate: true },
    h('h2', { text: t('ws.settings.logo') }),
    preview,
    field({ id: 'wg-logo-file', label: t('ws.settings.logoFile'), hint: t('ws.settings.logoHint'), input: file }),
    h('div', { class: 'wg-actions' }, upload, remove),
    status,
  );
  const done = async (result, text) => {
    if (!result.ok) {
      if (result.status !== 401) replace(status, problemAlert(result, { role: null }));
      return;
    }
    await app.reloadMunicipalities();
    const fresh = app.municipality || place;
    drawPreview(fresh.logoUrl);
    remove.hidden = !fresh.logoUrl;
    replace(status, notice('success', text));
  };
  whenSubmitted(form, status, async () => {
    const chosen = file.files[0];
    if (!chosen) return showErrors([[file, t('ws.settings.logoChoose')]]);
    if (!LOGO_TYPES.includes(chosen.type)) return showErrors([[file, t('ws.settings.logoType')]]);
    if (chosen.size > LOGO_MAX_BYTES) return showErrors([[file, t('ws.settings.logoSize')]]);
    const result = await sendBody(`/municipalities/${place.cbsCode}/logo`, { method: 'PUT', body: chosen, contentType: chosen.type });
    await done(result, t('ws.settings.logoSaved'));
  });
  remove.addEventListener('click', async () => {
    const result = await wsApi(`/municipalities/${place.cbsCode}/logo`, { method: 'DELETE' });
    await done(result, t('ws.settings.logoRemoved'));
    focusElement(file);
  });
  return form;
}

export async function renderSettings({ app, main }) {
  const flash = app.flashRegion();
  const place = app.municipality;
  const messages = h('div', { class: 'wg-form-messages' });
  const name = input({ id: 'wg-name', name: 'name', required: true, maxlength: '120', value: place.name });
  const colour = input({ id: 'wg-colour', name: 'brandColour', type: 'color', class: 'wg-input wg-input--colour', value: place.brandColour || '#01689b' });
  const contactEmail = input({ id: 'wg-contact-email', name: 'contactEmail', type: 'email', autocomplete: 'email', value: place.contactEmail || '' });
  const privacyName = input({ id: 'wg-privacy-name', name: 'privacyContactName', maxlength: '120', value: place.privacyContactName || '' });
  const privacyEmail = input({ id: 'wg-privacy-email', name: 'privacyContactEmail', type: 'email', value: place.privacyContactEmail || '' });
  const minGroup = input({ id: 'wg-min-group', name: 'minGroupSize', type: 'number', min: '5', max: '1000', step: '1', inputmode: 'numeric', class: 'wg-input wg-input--short', value: String(place.minGroupSize) });
  const retention = input({ id: 'wg-retention', name: 'contactRetentionDays', type: 'number', min: '0', max: '1095', step: '1', inputmode: 'numeric', class: 'wg-input wg-input--short', value: place.contactRetentionDays == null ? '' : String(place.contactRetentionDays) });
  const controls = { name, brandColour: colour, contactEmail, privacyContactName: privacyName, privacyContactEmail: privacyEmail, minGroupSize: minGroup, contactRetentionDays: retention };
  const form = h(
    'form',
    { class: 'wg-panel wg-ws-form', novalidate: true, id: 'wg-settings-form' },
    messages,
    field({ id: 'wg-name', label: t('ws.settings.name'), input: name }),
    field({ id: 'wg-colour', label: t('ws.settings.colour'), hint: t('ws.settings.colourHint'), input: colour }),
    h(
      'fieldset',
      { class: 'wg-fieldset' },
      h('legend', { class: 'wg-legend', text: t('ws.settings.contacts') }),
      field({ id: 'wg-contact-email', label: t('ws.settings.contactEmail'), hint: t('ws.settings.contactEmailHint'), input: contactEmail }),
      field({ id: 'wg-privacy-name', label: t('ws.settings.privacyName'), input: privacyName }),
      field({ id: 'wg-privacy-email', label: t('ws.settings.privacyEmail'), hint: t('ws.settings.privacyHint'), input: privacyEmail }),
    ),
    h(
      'fieldset',
      { class: 'wg-fieldset' },
      h('legend', { class: 'wg-legend', text: t('ws.settings.privacy') }),
      field({ id: 'wg-min-group', label: t('ws.settings.minGroup'), hint: t('ws.settings.minGroupHint'), input: minGroup }),
      field({ id: 'wg-retention', label: t('ws.settings.retention'), hint: t('ws.settings.retentionHint'), input: retention }),
    ),
    h('div', { class: 'wg-actions' }, h('button', { type: 'submit', class: 'wg-button', id: 'wg-save-settings', text: t('ws.settings.save') })),
  );
  whenSubmitted(form, messages, async () => {
    const errors = [];
    const group = Number(minGroup.value);
    const days = Number(retention.value);
    if (!name.value.trim()) errors.push([name, t('ws.error.required')]);
    if (!Number.isInteger(group) || group < 5 || group > 1000) errors.push([minGroup, t('ws.settings.minGroupWrong')]);
    if (retention.value === '' || !Number.isInteger(days) || days < 0 || days > 1095) errors.push([retention, t('ws.settings.retentionWrong')]);
    for (const control of [contactEmail, privacyEmail]) {
      if (control.value.trim() && !control.checkValidity()) errors.push([control, t('ws.error.email')]);
    }
    if (errors.length) {
      replace(messages, notice('error', t('ws.error.summary'), { role: 'alert' }));
      showErrors(errors);
      return;
    }
    const body = {
      name: name.value.trim(),
      brandColour: colour.value,
      contactEmail: contactEmail.value.trim() || null,
      privacyContactName: privacyName.value.trim() || null,
      privacyContactEmail: privacyEmail.value.trim() || null,
      minGroupSize: group,
      contactRetentionDays: days,
    };
    const result = await wsApi(`/municipalities/${place.cbsCode}`, { method: 'PATCH', body });
    if (!result.ok) {
      if (result.status === 401) return;
      showRefusal(messages, result, controls);
      return;
    }
    await app.reloadMunicipalities();
    app.refreshFrame();
    replace(messages, notice('success', t('ws.settings.saved'), { role: 'status' }));
    announce(t('ws.settings.saved'));
  });
  replace(
    main,
    heading(t('ws.settings.title')),
    flash,
    h('p', { class: 'wg-lead', text: t('ws.settings.intro', { name: place.name, code: place.cbsCode }) }),
    form,
    h('section', { class: 'wg-panel wg-ws-form' }, logoSection(app, place)),
  );
}
