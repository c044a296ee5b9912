/**
 * Check-ins and ballot stuffing, for a session's facilitator: the signals, and setting the
 * ballots of a busy minute aside (all of them, or only those from its busiest network) after
 * a confirmation, with a reason; ballots set aside are listed and can be restored. Both are
 * recorded in the audit log. Focus moves to the question and back; results are announced.
 */
import { h, replace, focusElement, announce } from '../../js/dom.js';
import { icon } from '../../js/icons.js';
import { t, formatNumber } from '../../js/i18n.js';
import { staffApi } from '../../js/staff/auth.js';
import { backToDialogue, heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import * as fmt from '../../js/staff/format.js';
import { integrityFacts, integrityFlags, minutesTable } from '../../js/staff/integrity-view.js';

const MINUTE = 60 * 1000;

export async function renderIntegrity({ app, main, session, isCurrent }) {
  const title = session.title || session.venue.name;
  const back = backToDialogue(app, session.dialogueId, t('integrity.back'));
  const top = [heading(t('integrity.title')), h('p', { class: 'wg-lead', text: `${title} · ${session.venue.name}` }), h('p', { text: t('integrity.intro') })];
  const messages = h('div', { class: 'wg-integrity__messages', id: 'wg-integrity-messages', tabindex: '-1' });
  replace(main, ...top, h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));

  async function load(focusTarget) {
    const [signals, setAsides] = await Promise.all([
      staffApi(`/sessions/${session.id}/integrity`),
      staffApi(`/sessions/${session.id}/set-asides`),
    ]);
    if (!isCurrent()) return;
    if (!signals.ok || !setAsides.ok) {
      const failed = signals.ok ? setAsides : signals;
      if (failed.status !== 401) replace(main, ...top, problemAlert(failed), back);
      return;
    }
    draw(signals.data, setAsides.data);
    if (focusTarget) focusElement(focusTarget());
  }

  async function setAside(minute, onlyNetwork, reason) {
    const from = new Date(minute.minute);
    const body = {
      checkedInFrom: from.toISOString(),
      checkedInUntil: new Date(from.getTime() + MINUTE).toISOString(),
    };
    if (onlyNetwork && minute.largestNetwork) body.network = minute.largestNetwork;
    if (reason) body.reason = reason;
    const result = await staffApi(`/sessions/${session.id}/set-asides`, { method: 'POST', body });
    if (!result.ok) {
      if (result.status === 401) return;
      replace(messages, problemAlert(result));
      focusElement(messages);
      return;
    }
    await load();
    const text = t('integrity.setAsideDone', { count: result.data.ballots, time: fmt.time(minute.minute) });
    replace(messages, notice('success', text, { role: 'status' }));
    announce(text);
    focusElement(messages);
  }

  async function restore(item) {
    const result = await staffApi(`/sessions/${session.id}/set-asides/${item.id}`, { method: 'DELETE' });
    if (!result.ok && result.status !== 204) {
      if (result.status === 401) return;
      replace(messages, problemAlert(result));
      focusElement(messages);
      return;
    }
    await load();
    const text = t('integrity.restored', { count: item.ballots });
    replace(messages, notice('success', text, { role: 'status' }));
    announce(text);
    focusElement(messages);
  }

  /** The button of a minute's row; it opens the question below the table. */
  function setAsideButton(minute, question) {
    const button = h(
      'button',
      { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'set-aside' }, 'aria-label': t('integrity.setAsideLabel', { time: fmt.time(minute.minute) }) },
      t('integrity.setAsideButton'),
    );
    button.addEventListener('click', () => ask(minute, question, button));
    return button;
  }

  function ask(minute, question, opener) {
    const name = 'wg-set-aside-scope';
    const whole = h('input', { type: 'radio', name, id: 'wg-scope-all', value: 'all', checked: !minute.largestNetwork });
    const network = h('input', { type: 'radio', name, id: 'wg-scope-network', value: 'network', checked: Boolean(minute.largestNetwork), disabled: !minute.largestNetwork });
    const reason = h('textarea', { class: 'wg-input', id: 'wg-set-aside-reason', name: 'reason', rows: '2', maxlength: '500' });
    const confirm = h('button', { type: 'submit', class: 'wg-button', dataset: { action: 'confirm-set-aside' } }, t('integrity.confirm'));
    const cancel = h('button', { type: 'button', class: 'wg-button wg-button--secondary' }, t('integrity.cancel'));
    const form = h(
      'form',
      { class: 'wg-panel wg-integrity__question', 'aria-labelledby': 'wg-set-aside-title' },
      h('h2', { id: 'wg-set-aside-title', tabindex: '-1', text: t('integrity.question', { time: fmt.time(minute.minute) }) }),
      h('p', { text: t('integrity.questionHelp', { count: minute.checkIns }) }),
      h(
        'fieldset',
        { class: 'wg-fieldset' },
        h('legend', { class: 'wg-legend', text: t('integrity.scope') }),
        h(
          'div',
          { class: 'wg-choices' },
          h('label', { class: 'wg-choice' }, whole, h('span', { text: t('integrity.scope.all', { count: minute.checkIns }) })),
          h('label', { class: 'wg-choice' }, network, h('span', { text: t('integrity.scope.network', { count: minute.fromLargestNetwork }) })),
        ),
      ),
      h('div', { class: 'wg-field' }, h('label', { class: 'wg-label', for: 'wg-set-aside-reason', text: t('integrity.reason') }), reason),
      h('div', { class: 'wg-actions' }, confirm, cancel),
    );
    cancel.addEventListener('click', () => {
      replace(question);
      focusElement(opener);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      confirm.disabled = true;
      setAside(minute, network.checked, reason.value.trim());
    });
    replace(question, form);
    focusElement(form.querySelector('h2'));
  }

  function setAsideList(items) {
    if (!items.length) return h('p', { class: 'wg-muted', id: 'wg-set-asides-none', text: t('integrity.noSetAsides') });
    return h(
      'ul',
      { class: 'wg-integrity__set-asides', id: 'wg-set-asides' },
      items.map((item) => {
        const restoreButton = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'restore' } }, t('integrity.restore'));
        const confirmRow = h('div');
        restoreButton.addEventListener('click', () => {
          const yes = h('button', { type: 'button', class: 'wg-button', dataset: { action: 'confirm-restore' }, onclick: () => restore(item) }, t('integrity.restoreConfirm', { count: item.ballots }));
          const no = h('button', { type: 'button', class: 'wg-button wg-button--secondary' }, t('integrity.cancel'));
          no.addEventListener('click', () => {
            replace(confirmRow);
            restoreButton.hidden = false;
            focusElement(restoreButton);
          });
          restoreButton.hidden = true;
          replace(confirmRow, h('div', { class: 'wg-actions', role: 'group', 'aria-label': t('integrity.restoreQuestion') }, yes, no));
          focusElement(yes);
        });
        const what = t('integrity.setAsideItem', {
          count: item.ballots,
          from: fmt.time(item.checkedInFrom),
          until: fmt.time(item.checkedInUntil),
        });
        return h(
          'li',
          { dataset: { setAside: item.id } },
          h('p', null, h('strong', { text: what }), item.network ? ` ${t('integrity.oneNetworkOnly')}` : ''),
          item.reason ? h('p', { class: 'wg-muted', text: item.reason }) : null,
          restoreButton,
          confirmRow,
        );
      }),
    );
  }

  function draw(signals, setAsides) {
    const question = h('div', { id: 'wg-set-aside-question' });
    const refresh = h('button', { type: 'button', class: 'wg-button wg-button--secondary', id: 'wg-integrity-refresh' }, icon('refresh'), h('span', { text: t('integrity.refresh') }));
    refresh.addEventListener('click', async () => {
      await load(() => refresh.isConnected ? refresh : main.querySelector('#wg-integrity-refresh'));
      announce(t('integrity.refreshed'));
    });
    replace(
      main,
      ...top,
      messages,
      integrityFlags(signals),
      integrityFacts(signals),
      h('p', { class: 'wg-muted', text: t('integrity.shareHelp', { count: signals.minGroupSize }) }),
      h('div', { class: 'wg-actions' }, refresh, back),
      h('h2', { text: t('integrity.minutesTitle') }),
      h('p', { text: t('integrity.minutesHelp') }),
      minutesTable(signals, {
        id: 'wg-integrity-minutes',
        caption: t('integrity.minutesCaption', { title }),
        action: (minute) => (minute.checkIns > 0 ? setAsideButton(minute, question) : null),
      }),
      question,
      h('h2', { text: t('integrity.setAsidesTitle') }),
      h('p', { text: t('integrity.setAsidesHelp', { count: formatNumber(signals.setAsideBallots) }) }),
      setAsideList(setAsides),
    );
  }

  await load();
}
