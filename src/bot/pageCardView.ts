// What a page's card and its outcome line say: the card shows each step as it stands (who is being rung, who declined
// and why, who did not answer, who accepted and where they went); the line, posted once the page ends, says it to the
// chat in a sentence, which the card does not repeat.
import type { PageRecord, PageState, PageStep, PageStepStatus } from '../calling/index.js';
import type { MessageKey } from '../i18n/catalogs.js';
import { nameParams, sentence } from '../i18n/sentence.js';
import type { Translator } from '../i18n/translator.js';
import { handleParam, inviteeName } from './callCardView.js';
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
    pagedLine: t.t('pageCard.pagedBy', { ...nameParams(page.requestedBy.name), date: `{{DATE(${pagedAt}, SHORT)}}`, time: `{{TIME(${pagedAt})}}` }),
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

/** The line the chat gets when a page ends, in `t`'s language: who accepted and where they are, or what became of everyone. */
export function outcomeLine(page: PageRecord, t: Translator): string | undefined {
  const winner = page.steps.find((s) => s.status === 'accepted');
  if (page.state === 'accepted' && winner) {
    const who = stepName(winner);
    const own = handleParam(winner.handle);
    const call = handleParam(page.move?.handle);
    if (page.move?.status === 'failed') {
      return t.say(sentence('chat.page.acceptedNotMoved', { who, call, own, failure: page.move.failure ?? sentence('chat.graph.saidNothing') }));
    }
    if (page.move) return t.t('chat.page.acceptedMoving', { who, call });
    return t.t(winner.target.kind === 'phone' ? 'chat.page.acceptedPhone' : 'chat.page.accepted', { who, own });
  }
  if (page.state === 'exhausted') {
    return t.t('chat.page.nobody', { steps: t.listInSentence(page.steps.map((step) => stepPhrase(page, step, t))) });
  }
  return undefined;
}

const STEP_PHRASES: Partial<Record<PageStepStatus, MessageKey>> = {
  declined: 'chat.page.step.declined',
  noAnswer: 'chat.page.step.noAnswer',
  noConfirm: 'chat.page.step.noConfirm',
  hungUp: 'chat.page.step.hungUp',
  failed: 'chat.page.step.failed',
  refused: 'chat.page.step.refused',
  skipped: 'chat.page.step.skipped',
};

/** What became of a step, said of the person; the card carries the reasons. */
function stepPhrase(page: PageRecord, step: PageStep, t: Translator): string {
  return t.t(STEP_PHRASES[step.status] ?? 'chat.page.step.notRung', { who: stepName(step), duration: t.duration(page.waitMs) });
}
