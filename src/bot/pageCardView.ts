// What a page's card and its outcome line say: the card shows each step as it stands (who is being rung, who declined
// and why, who did not answer, who accepted and where they went); the line, posted once the page ends, says it to the
// chat in a sentence, which the card does not repeat.
import type { PageRecord, PageState, PageStep, PageStepStatus } from '../calling/index.js';
import { duration, inviteeName } from './callCardView.js';
import { expandCard } from './cardTemplates.js';
import type { AdaptiveCardJson } from './cardTemplates.js';

type Color = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

const STATE_LABELS: Record<PageState, [string, Color]> = {
  paging: ['Paging…', 'Accent'],
  accepted: ['Accepted', 'Good'],
  exhausted: ['Nobody accepted', 'Attention'],
  stopped: ['Stopped', 'Warning'],
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

export function renderPageCard(page: PageRecord): AdaptiveCardJson {
  const [stateLabel, stateColor] = STATE_LABELS[page.state];
  const ringing = page.state === 'paging' ? page.steps[page.current] : undefined;
  return expandCard('pageCard', {
    pageId: page.id,
    title: `Paging ${page.steps.map(stepName).join(', then ')}`,
    subtitle: `Each rings for ${duration(page.waitMs)}${page.into ? ` · the one who accepts joins ${page.into.handle ?? 'the call'}` : ''}`,
    stateLabel,
    stateColor,
    steps: page.steps.map((step, i) => ({ name: `${i + 1}. ${stepName(step)}`, label: stepLabel(page, step), color: STEP_COLORS[step.status] })),
    pagedBy: page.requestedBy.name,
    pagedAt: page.createdAt.replace(/\.\d+Z$/, 'Z'),
    active: page.state === 'paging',
    step: page.current,
    canSkip: ringing !== undefined && page.current + 1 < page.steps.length,
    revision: String(page.revision),
  });
}

function stepName(step: PageStep): string {
  return inviteeName(step);
}

/** How one step stands, in a few words. */
function stepLabel(page: PageRecord, step: PageStep): string {
  const why = step.reason ? `: ${step.reason}` : '';
  switch (step.status) {
    case 'waiting':
      return page.state === 'paging' ? 'Not rung yet' : 'Not rung';
    case 'ringing':
      return 'Ringing…';
    case 'answered':
      return 'Answered · waiting for them to press 1';
    case 'accepted':
      return `Accepted${whereTheyWent(page, step)}`;
    case 'declined':
      // Graph's only decline (603) says no more than that.
      return step.viaKeypad ? 'Declined · pressed 2' : 'Declined';
    case 'noAnswer':
      return `No answer in ${duration(page.waitMs)}`;
    case 'noConfirm':
      return `Answered, but did not press 1 in ${duration(page.waitMs)}`;
    case 'hungUp':
      return 'Answered, then hung up without pressing 1';
    case 'failed':
      // Graph placed no call, or the call it placed failed (busy, unreachable, or the prompt to press 1 was refused).
      return `${step.callId === undefined ? 'Could not be rung' : 'Call failed'}${why}`;
    case 'refused':
      return `Not rung${why}`;
    case 'skipped':
      // The reason names who pressed Skip.
      return step.reason ?? 'Skipped';
    case 'stopped':
      return 'Stopped';
  }
}

function whereTheyWent(page: PageRecord, step: PageStep): string {
  const own = step.handle ?? 'their call';
  switch (page.move?.status) {
    case 'pending':
      return ` · moving into ${page.move.handle ?? 'the call'}`;
    case 'sent':
      return ` · brought into ${page.move.handle ?? 'the call'}`;
    case 'failed':
      return ` · on ${own} with Rally (could not be moved into ${page.move.handle ?? 'the call'})`;
    case undefined:
      return ` · on ${own} with Rally`;
  }
}

/** The line the chat gets when a page ends: who accepted and where they are, or what became of everyone. */
export function outcomeLine(page: PageRecord): string | undefined {
  const winner = page.steps.find((s) => s.status === 'accepted');
  if (page.state === 'accepted' && winner) {
    const who = stepName(winner);
    const own = winner.handle ?? 'a call';
    const target = page.move?.handle ?? 'the call';
    if (page.move?.status === 'failed') {
      return `${who} accepted the page, but could not be brought into ${target}: ${page.move.failure ?? 'Graph did not say why.'} They are on ${own} with Rally.`;
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
      return `did not answer in ${duration(page.waitMs)}`;
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
