// What a page's card and its outcome line say: the card shows each step as it stands (who is being rung, who declined
// and why, who did not answer, who accepted and where they went); the line, posted once the page ends, says it to the
// chat in a sentence, which the card does not repeat.
import type { PageRecord, PageState, PageStep, PageStepStatus } from '../calling/index.js';
import type { MessageKey } from '../i18n/catalogs.js';
import { Translator } from '../i18n/translator.js';
import { inviteeName } from './callCardView.js';
import { expandCard } from './cardTemplates.js';
import type { AdaptiveCardJson } from './cardTemplates.js';

type Color = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

const STATE_LABELS: Record<PageState, [MessageKey, Color]> = {
  paging: ['pageCard.state.paging', 'Accent'],
  accepted: ['pageCard.state.accepted', 'Good'],
  exhausted: ['pageCard.state.exhausted', 'Attention'],
  stopped: ['pageCard.state.stopped', 'Warning'],
};

const STEP_COLORS: Record<PageStepStatus, Color> = {
  waiting: 'Default',
  ringing: 'Accent',
  answered: 'Accent',
  accepted: 'Good',
  declined: 'Warning',
  noAnswer: 'Warning',
  noConfirm: 'Warning',
  hungUp: 'Warning',
  failed: 'Attention',
  refused: 'Attention',
  skipped: 'Default',
  stopped: 'Default',
};

export function renderPageCard(page: PageRecord, t: Translator): AdaptiveCardJson {
  const [stateKey, stateColor] = STATE_LABELS[page.state];
  const ringing = page.state === 'paging' ? page.steps[page.current] : undefined;
  const duration = t.duration(page.waitMs);
  const pagedAt = page.createdAt.replace(/\.\d+Z$/, 'Z');
  return expandCard('pageCard', {
    pageId: page.id,
    title: t.t('pageCard.title', { steps: page.steps.map(stepName).reduce((before, next) => t.t('pageCard.title.then', { before, next })) }),
    subtitle: page.into ? t.t('pageCard.subtitle.into', { duration, call: handleParam(page.into.handle) }) : t.t('pageCard.subtitle', { duration }),
    stateLabel: t.t(stateKey),
    stateColor,
    steps: page.steps.map((step, i) => ({ name: t.t('pageCard.step.name', { position: i + 1, name: stepName(step) }), label: stepLabel(page, step, t), color: STEP_COLORS[step.status] })),
    pagedLine: t.t('pageCard.pagedBy', { name: page.requestedBy.name, date: `{{DATE(${pagedAt}, SHORT)}}`, time: `{{TIME(${pagedAt})}}` }),
    active: page.state === 'paging',
    step: page.current,
    canSkip: ringing !== undefined && page.current + 1 < page.steps.length,
    revision: String(page.revision),
    text: { refresh: t.t('card.refresh'), skip: t.t('pageCard.skip'), stop: t.t('pageCard.stop') },
  });
}

function stepName(step: PageStep): string {
  return inviteeName(step);
}

/**
 * A call's handle as the catalogs' `select` reads it: `none` when it has none, and the messages then name it in
 * words ("the call"), in the case their sentence needs. Handles are `#n`, never `none`.
 */
function handleParam(handle: string | undefined): string {
  return handle ?? 'none';
}

/** How one step stands, in a few words. */
function stepLabel(page: PageRecord, step: PageStep, t: Translator): string {
  const reason = step.reason === undefined ? undefined : t.say(step.reason);
  switch (step.status) {
    case 'waiting':
      return t.t(page.state === 'paging' ? 'pageCard.step.notRungYet' : 'pageCard.step.notRung');
    case 'ringing':
      return t.t('pageCard.step.ringing');
    case 'answered':
      return t.t('pageCard.step.answered');
    case 'accepted':
      return whereTheyWent(page, step, t);
    case 'declined':
      // Graph's only decline (603) says no more than that.
      return t.t(step.viaKeypad ? 'pageCard.step.declinedOnKeypad' : 'pageCard.step.declined');
    case 'noAnswer':
      return t.t('pageCard.step.noAnswer', { duration: t.duration(page.waitMs) });
    case 'noConfirm':
      return t.t('pageCard.step.noConfirm', { duration: t.duration(page.waitMs) });
    case 'hungUp':
      return t.t('pageCard.step.hungUp');
    case 'failed':
      // Graph placed no call, or the call it placed failed (busy, unreachable, or the prompt to press 1 was refused).
      if (step.callId === undefined) return reason ? t.t('pageCard.step.couldNotBeRungBecause', { reason }) : t.t('pageCard.step.couldNotBeRung');
      return reason ? t.t('pageCard.step.callFailedBecause', { reason }) : t.t('pageCard.step.callFailed');
    case 'refused':
      return reason ? t.t('pageCard.step.notRungBecause', { reason }) : t.t('pageCard.step.notRung');
    case 'skipped':
      // The reason names who pressed Skip.
      return reason ?? t.t('pageCard.step.skipped');
    case 'stopped':
      return t.t('pageCard.step.stopped');
  }
}

function whereTheyWent(page: PageRecord, step: PageStep, t: Translator): string {
  const own = handleParam(step.handle);
  const call = handleParam(page.move?.handle);
  switch (page.move?.status) {
    case 'pending':
      return t.t('pageCard.step.acceptedMoving', { call });
    case 'sent':
      return t.t('pageCard.step.acceptedBrought', { call });
    case 'failed':
      return t.t('pageCard.step.acceptedNotMoved', { own, call });
    case undefined:
      return t.t('pageCard.step.acceptedOnOwn', { own });
  }
}

// The chat's lines are not translated yet: they speak English whatever the chat's language.
const CHAT_LINES = new Translator();

/** The line the chat gets when a page ends: who accepted and where they are, or what became of everyone. */
export function outcomeLine(page: PageRecord): string | undefined {
  const winner = page.steps.find((s) => s.status === 'accepted');
  if (page.state === 'accepted' && winner) {
    const who = stepName(winner);
    const own = winner.handle ?? 'a call';
    const target = page.move?.handle ?? 'the call';
    if (page.move?.status === 'failed') {
      return `${who} accepted the page, but could not be brought into ${target}: ${page.move.failure === undefined ? 'Graph did not say why.' : CHAT_LINES.say(page.move.failure)} They are on ${own} with Rally.`;
    }
    if (page.move) return `${who} accepted the page; Rally is bringing them into ${target}.`;
    if (winner.target.kind === 'phone') {
      return `${who} accepted the page and is on ${own} with Rally. Microsoft Graph cannot move a phone call into another call: invite the number where you need it.`;
    }
    return `${who} accepted the page and is on ${own} with Rally. Say "escalate" and a person to bring others in, or "hangup ${own}".`;
  }
  if (page.state === 'exhausted') {
    const each = page.steps.map((step) => `${stepName(step)} ${stepPhrase(page, step)}`);
    const list = each.length === 1 ? each[0]! : `${each.slice(0, -1).join(', ')} and ${each.at(-1)!}`;
    return `Nobody accepted the page: ${list}.`;
  }
  return undefined;
}

/** What became of a step, as the end of a sentence about the person; the card carries the reasons. */
function stepPhrase(page: PageRecord, step: PageStep): string {
  switch (step.status) {
    case 'declined':
      return 'declined';
    case 'noAnswer':
      return `did not answer in ${CHAT_LINES.duration(page.waitMs)}`;
    case 'noConfirm':
      return 'answered but did not press 1';
    case 'hungUp':
      return 'hung up without pressing 1';
    case 'failed':
      return 'could not be reached';
    case 'refused':
      return 'was not rung (not allowed)';
    case 'skipped':
      return 'was skipped';
    default:
      return 'was not rung';
  }
}
