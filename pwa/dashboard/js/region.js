/**
 * The dashboard of a regional analyst: the regions they read, each region's dialogues, and
 * a dialogue's released figures per member municipality (never finer). Loaded only for that
 * role. State lives in the address (?region=1&dialogue=2).
 */
import { h, replace, focusElement } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { heading } from '../../js/staff/chrome.js';
import { staffApi } from '../../js/staff/auth.js';
import { problemAlert } from '../../js/staff/problems.js';
import * as fmt from '../../js/staff/format.js';
import { renderGroups } from './groups.js';

function params() {
  const query = new URLSearchParams(window.location.search);
  return { region: query.get('region') || '', dialogue: query.get('dialogue') || '' };
}

function go(main, changes) {
  const next = { ...params(), ...changes };
  const query = new URLSearchParams(Object.entries(next).filter(([, v]) => v));
  window.history.pushState(null, '', `?${query}`);
  renderRegion(main);
}

function link(main, text, changes) {
  const query = new URLSearchParams(Object.entries({ ...params(), ...changes }).filter(([, v]) => v));
  return h('a', {
    href: `?${query}`,
    text,
    onclick: (event) => {
      event.preventDefault();
      go(main, changes);
    },
  });
}

function panel(...children) {
  return h('section', { class: 'wg-panel' }, ...children);
}

/** Render the regional view into <main>; focus its h1. */
export async function renderRegion(main, { focus = true } = {}) {
  const state = params();
  replace(main, h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const regions = await staffApi('/regions');
  if (!regions.ok) {
    if (regions.status !== 401) replace(main, heading(t('region.title')), problemAlert(regions));
    return;
  }
  const region = regions.data.find((r) => String(r.id) === state.region) || (regions.data.length === 1 ? regions.data[0] : null);
  if (!region) {
    replace(
      main,
      panel(
        heading(t('region.choose.title')),
        regions.data.length
          ? h('ul', { class: 'wg-link-list', id: 'wg-regions' }, regions.data.map((r) => h('li', null, link(main, r.name, { region: String(r.id), dialogue: '' }))))
          : h('p', { text: t('region.choose.none') }),
      ),
    );
  } else {
    await renderDialogues(main, region, state);
  }
  if (focus) focusElement(main.querySelector('h1'));
}

async function renderDialogues(main, region, state) {
  const listed = await staffApi(`/regions/${region.id}/dialogues`);
  if (!listed.ok) {
    if (listed.status !== 401) replace(main, heading(region.name), problemAlert(listed));
    return;
  }
  const members = region.members.filter((m) => m.status === 'joined').map((m) => m.municipalityName);
  const dialogue = listed.data.find((d) => String(d.id) === state.dialogue) || (listed.data.length === 1 ? listed.data[0] : null);
  const intro = panel(
    heading(dialogue ? dialogue.title : region.name),
    dialogue ? h('p', { class: 'wg-muted', text: `${t('region.lead', { lead: dialogue.leadName })} · ${fmt.date(dialogue.startsOn)} – ${fmt.date(dialogue.endsOn)}` }) : null,
    h('p', { class: 'wg-muted', text: t('region.members', { region: region.name, members: members.join(', ') || '—' }) }),
    h('p', { text: t('region.privacy') }),
    dialogue && listed.data.length > 1 ? h('p', null, link(main, t('region.otherDialogue'), { dialogue: '' })) : null,
  );
  if (!dialogue) {
    replace(
      main,
      intro,
      panel(
        heading(t('region.dialogues'), 2),
        listed.data.length
          ? h(
              'ul',
              { class: 'wg-link-list', id: 'wg-dialogues' },
              listed.data.map((d) =>
                h(
                  'li',
                  null,
                  link(main, d.title, { region: String(region.id), dialogue: String(d.id) }),
                  h('span', { class: 'wg-muted', text: ` · ${t('region.lead', { lead: d.leadName })} · ${fmt.date(d.startsOn)} – ${fmt.date(d.endsOn)}` }),
                ),
              ),
            )
          : h('p', { text: t('region.noDialogues') }),
      ),
    );
    return;
  }
  const results = await staffApi(`/regions/${region.id}/results?dialogueId=${dialogue.id}&groupBy=municipality`);
  const section = h('section', { class: 'wg-panel', id: 'results', 'aria-labelledby': 'results-title' });
  if (results.ok) renderGroups(section, { results: results.data, state: { groupBy: 'municipality', venueKind: '', ageBand: '' } });
  else replace(section, h('h2', { id: 'results-title', text: t('results.title') }), problemAlert(results));
  replace(main, intro, section);
}
