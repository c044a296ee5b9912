/**
 * The list of a dialogue's sessions, each with what a facilitator does with it: open, close
 * (after a confirmation), print the poster, open the projector window, type in paper ballots.
 */
import { h, replace, focusElement } from '../../js/dom.js';
import { icon } from '../../js/icons.js';
import { t } from '../../js/i18n.js';
import { staffApi } from '../../js/staff/auth.js';
import { heading } from '../../js/staff/chrome.js';
import { problemAlert, notice } from '../../js/staff/problems.js';
import * as fmt from '../../js/staff/format.js';
import { openPoster, openPaperBallot } from './poster.js';
import { projectorButton } from './projector-launch.js';

function when(session) {
  if (fmt.date(session.startsAt) !== fmt.date(session.endsAt)) {
    return t('session.whenDays', { start: fmt.dateTime(session.startsAt), end: fmt.dateTime(session.endsAt) });
  }
  return t('session.when', { date: fmt.date(session.startsAt), start: fmt.time(session.startsAt), end: fmt.time(session.endsAt) });
}

function dialoguePicker({ app, dialogue }) {
  if (app.dialogues.length < 2) return null;
  const select = h(
    'select',
    { class: 'wg-select', id: 'wg-dialogue', name: 'dialogue' },
    app.dialogues.map((d) => h('option', { value: String(d.id), selected: dialogue && d.id === dialogue.id, text: d.title })),
  );
  const form = h(
    'form',
    { class: 'wg-picker' },
    h('div', { class: 'wg-field' }, h('label', { class: 'wg-label', for: 'wg-dialogue', text: t('sessions.chooseDialogue') }), select),
    h('button', { type: 'submit', class: 'wg-button wg-button--secondary', text: t('sessions.showDialogue') }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    app.navigate({ dialogue: select.value });
  });
  return form;
}

async function changeStatus(app, session, status, area) {
  const result = await staffApi(`/sessions/${session.id}`, { method: 'PATCH', body: { status } });
  if (!result.ok) {
    if (result.status !== 401) {
      replace(area, problemAlert(result));
      focusElement(area.querySelector('.wg-alert'));
    }
    return;
  }
  const title = result.data.title || result.data.venue.name;
  app.navigate({ dialogue: String(session.dialogueId) }, { message: { kind: 'success', text: t(status === 'open' ? 'sessions.opened' : 'sessions.closed', { title }) } });
}

function sessionCard(app, session) {
  const title = session.title || session.venue.name;
  const titleId = `wg-session-${session.id}-title`;
  const messages = h('div', { class: 'wg-session__messages' });
  const actions = h('div', { class: 'wg-actions' });
  const link = (view, text, iconName) =>
    h(
      'a',
      {
        class: 'wg-button wg-button--secondary',
        href: `?session=${session.id}&view=${view}`,
        dataset: { action: view },
        onclick: (event) => {
          event.preventDefault();
          app.navigate({ session: String(session.id), view });
        },
      },
      icon(iconName),
      h('span', { text }),
    );
  const describedTitle = { 'aria-describedby': titleId };

  if (session.status === 'planned') {
    actions.append(
      h('button', { type: 'button', class: 'wg-button', dataset: { action: 'open' }, ...describedTitle, onclick: () => changeStatus(app, session, 'open', messages) }, t('sessions.open')),
    );
  }
  if (session.status === 'open') {
    const closeButton = h('button', { type: 'button', class: 'wg-button', dataset: { action: 'close' }, ...describedTitle }, t('sessions.close'));
    closeButton.addEventListener('click', async () => {
      closeButton.disabled = true;
      replace(messages, h('p', { class: 'wg-loading', role: 'status', text: t('sessions.closeChecking') }));
      // Fresh from the server: how many checked in and have not sent their answers yet.
      const fresh = await staffApi(`/sessions/${session.id}`);
      closeButton.disabled = false;
      const waiting = fresh.ok ? fresh.data.checkedInWithoutBallot || 0 : 0;
      const question = waiting > 0 ? t('sessions.closeWaiting', { count: waiting }) : t('sessions.closeQuestion');
      const confirm = h('button', { type: 'button', class: 'wg-button', dataset: { action: 'confirm-close' }, onclick: () => changeStatus(app, session, 'closed', messages) }, t('sessions.closeConfirm'));
      const cancel = h(
        'button',
        {
          type: 'button',
          class: 'wg-button wg-button--secondary',
          onclick: () => {
            replace(messages);
            closeButton.hidden = false;
            focusElement(closeButton);
          },
        },
        t('sessions.closeCancel'),
      );
      closeButton.hidden = true;
      replace(messages, h('div', { class: 'wg-alert wg-alert--warning', role: 'group', 'aria-label': question, dataset: { waiting } }, icon('alert'), h('div', { class: 'wg-alert__body' }, h('p', { text: question }), h('div', { class: 'wg-actions' }, confirm, cancel))));
      focusElement(confirm);
    });
    actions.append(closeButton, link('ballots', t('sessions.ballots'), 'plus'));
  }
  actions.append(projectorButton(session, messages));
  if (session.status !== 'planned') actions.append(link('integrity', t('sessions.integrity'), 'info'));
  if (session.checkInMode === 'poster') {
    const poster = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'poster' }, ...describedTitle }, icon('book'), h('span', { text: t('sessions.poster') }), h('span', { class: 'wg-visually-hidden', text: t('sessions.newTab') }));
    poster.addEventListener('click', () => openPoster(session, messages, poster));
    actions.append(poster);
  }
  if (session.status !== 'closed') {
    const paper = h('button', { type: 'button', class: 'wg-button wg-button--secondary', dataset: { action: 'paper-ballot' }, ...describedTitle }, icon('book'), h('span', { text: t('sessions.paperBallot') }), h('span', { class: 'wg-visually-hidden', text: t('sessions.newTab') }));
    paper.addEventListener('click', () => openPaperBallot(session, messages, paper));
    actions.append(paper);
  }

  const facts = [
    [t('session.venue'), `${session.venue.name} (${t(`venueKind.${session.venue.kind}`)})`],
    [t('session.time'), when(session)],
    [t('session.checkIn'), t(`checkInMode.${session.checkInMode}`)],
    [t('session.presence'), session.presenceVerified ? t('session.presence.yes') : t('session.presence.no')],
    [t('session.code'), session.checkInMode === 'poster' ? session.joinCode : t('session.codeRotating')],
    [t('session.showResults'), session.showResults ? t('session.yes') : t('session.no')],
  ];
  return h(
    'li',
    { class: `wg-session wg-session--${session.status}`, dataset: { session: session.id, status: session.status } },
    h(
      'article',
      { 'aria-labelledby': titleId },
      h('div', { class: 'wg-session__head' }, h('h2', { id: titleId, class: 'wg-session__title', text: title }), h('span', { class: `wg-status wg-status--${session.status}`, text: t(`status.${session.status}`) })),
      h('dl', { class: 'wg-session__facts' }, facts.map(([term, value]) => h('div', null, h('dt', { text: term }), h('dd', { text: value })))),
      actions,
      messages,
    ),
  );
}

export async function renderSessions({ app, main, dialogue, isCurrent }) {
  const flash = app.takeFlash();
  const top = [heading(t('sessions.title')), dialoguePicker({ app, dialogue })];
  if (!dialogue) {
    replace(main, ...top, h('p', { text: app.dialogues.length ? t('sessions.pickDialogue') : t('sessions.noDialogues') }));
    return;
  }
  replace(main, ...top, h('p', { class: 'wg-loading', role: 'status', text: t('staff.loading') }));
  const result = await staffApi(`/dialogues/${dialogue.id}/sessions`);
  if (!isCurrent()) return;
  const intro = h(
    'div',
    { class: 'wg-dialogue-intro' },
    h('p', { class: 'wg-lead' }, h('strong', { text: dialogue.title }), ' · ', t('sessions.period', { from: fmt.date(dialogue.startsOn), to: fmt.date(dialogue.endsOn) })),
    h(
      'a',
      {
        class: 'wg-button',
        id: 'wg-new-session',
        href: `?dialogue=${dialogue.id}&view=new`,
        onclick: (event) => {
          event.preventDefault();
          app.navigate({ dialogue: String(dialogue.id), view: 'new' });
        },
      },
      icon('plus'),
      h('span', { text: t('sessions.new') }),
    ),
  );
  const status = h('div', { class: 'wg-flash', role: 'status' });
  if (!result.ok) {
    replace(main, ...top, intro, status, problemAlert(result));
    return;
  }
  const sessions = [...result.data].sort((a, b) => {
    const order = { open: 0, planned: 1, closed: 2 };
    return order[a.status] - order[b.status] || String(a.startsAt).localeCompare(String(b.startsAt));
  });
  replace(
    main,
    ...top,
    intro,
    status,
    sessions.length
      ? h('ul', { class: 'wg-sessions', id: 'wg-sessions', 'aria-label': t('sessions.listLabel', { dialogue: dialogue.title }) }, sessions.map((s) => sessionCard(app, s)))
      : h('p', { text: t('sessions.none') }),
  );
  if (flash) setTimeout(() => replace(status, notice(flash.kind, flash.text)), 100);
}

