import { createHash } from 'node:crypto';
import { ActivityEventNames, ActivityTypes, CardFactory, TeamsActivityHandler, TurnContext } from 'botbuilder';
import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue } from 'botbuilder';
import { InvalidRequestError, bridgeSubject, isLive, meetingById, parseMeetingLink } from '../calling/index.js';
import type { CallDesk, CallRecord, CallRef, ChatRequest, MeetingToJoin, PageRecord, Pager, ParticipantRef, UserTarget } from '../calling/index.js';
import { RallyError, SOMETHING_WENT_WRONG, sentenceOf } from '../errors/rallyError.js';
import { sentence } from '../i18n/sentence.js';
import type { Logger } from '../log/logger.js';
import type { PostedCards } from './postedCards.js';
import { isPageAction, namedPeople, readCardAction } from './cardActions.js';
import type { CallCardAction, PageCardAction } from './cardActions.js';
import type { CallCards } from './callCards.js';
import { cardRevision } from './callCards.js';
import { callsReply, changeLine, hangUpLine, movingLine, statusLine } from './answerLines.js';
import { ADAPTIVE_CARD_CONTENT_TYPE } from './cardTemplates.js';
import type { AdaptiveCardJson } from './cardTemplates.js';
import { chatKeyOf, peopleTeamsScopeOf, turnLanguage } from './chats.js';
import type { Chats } from './chats.js';
import { CommandError, checkOneToMove, checkPageSteps, checkPeopleCount, parseCommand, parsePeopleList } from './commandParser.js';
import type { MentionedPerson } from './commandParser.js';
import type { Command, CommandKind, MeetingRef, PersonRef } from './commands.js';
import { translatorFor } from '../i18n/translator.js';
import type { Translator } from '../i18n/translator.js';
import { doctorReply } from './doctorCommand.js';
import type { DoctorAccess } from './doctorCommand.js';
import { renderHelpCard } from './helpCard.js';
import { meetingIdOf, meetingOfThisChat } from './meetingChat.js';
import type { PeopleResolver } from './peopleResolver.js';
import { localeOf } from './locale.js';
import { teamDeletedLine, teamLine, teamSavedLine, teamsLine } from './peopleTeamLines.js';
import type { PeopleTeams } from './peopleTeams.js';
import { tenantIdOf } from './tenantGate.js';

export interface RallyBotOptions {
  desk: CallDesk;
  pager: Pick<Pager, 'start' | 'skip' | 'stop' | 'pageInChat'>;
  pageCards: PostedCards<PageRecord>;
  people: PeopleResolver;
  /** The chat's teams of people, which a command may name people by. */
  teams: PeopleTeams;
  chats: Chats;
  cards: CallCards;
  log: Logger;
  botName: string;
  doctor: DoctorAccess;
}

/** What a turn does: `t` says its lines in the language of the person it answers, fixed for the turn. */
type Turn<C> = (context: TurnContext, request: ChatRequest, command: C, t: Translator) => Promise<void>;
type CommandTable = { [K in CommandKind]: Turn<Extract<Command, { kind: K }>> };
type CallCardTable = { [V in CallCardAction['verb']]: Turn<Extract<CallCardAction, { verb: V }>> };
type PageCardTable = { [V in PageCardAction['verb']]: Turn<Extract<PageCardAction, { verb: V }>> };

/**
 * The chat surface: reads commands and card actions, hands them to the calling desk, and shows the result.
 * Notifications are reported by the ChatReporter, not here.
 */
export class RallyBot extends TeamsActivityHandler {
  /** What each command does: one entry per command kind, so a new command cannot be parsed but not handled. */
  private readonly commands: CommandTable = {
    help: async (context, _request, _command, t) => this.sendHelp(context, t),
    call: async (context, request, command) => {
      const targets = await this.resolve(context, request, command.people);
      await this.postCallCard(context, request, await this.options.desk.placeCall(request, targets));
    },
    join: async (context, request, command) => {
      const meeting = await this.meetingToJoin(context, request, command.meeting);
      await this.postCallCard(context, request, await this.options.desk.joinMeeting(request, meeting, command.guestName));
    },
    // The bridge's card is the answer: its Join button is for everyone in the chat.
    bridge: async (context, request, command, t) => {
      const subject = t.say(bridgeSubject(command.title, context.activity.conversation.name, new Date()));
      await this.postCallCard(context, request, await this.options.desk.openBridge(request, subject));
    },
    invite: async (context, request, command) => {
      const targets = await this.resolve(context, request, command.people);
      const outcome = await this.options.desk.invite(request, command.call, targets);
      // The card carries the story: who is ringing now, and later who joined or why not.
      if (outcome.kind === 'escalated') await this.postCallCard(context, request, outcome.groupCall);
      else await this.options.cards.update(context, outcome.call);
    },
    escalate: async (context, request, command) => {
      const targets = await this.resolve(context, request, command.people);
      await this.postCallCard(context, request, await this.options.desk.escalate(request, command.call, targets));
    },
    move: async (context, request, command, t) => {
      const user = await this.singleUser(context, request, command.person);
      const { call } = await this.options.desk.move(request, user, command.from, command.to);
      await context.sendActivity(movingLine(user, call, t));
    },
    calls: async (context, request, _command, t) => {
      await context.sendActivity(callsReply(await this.options.desk.liveCalls(request), t));
    },
    // A second copy of a card would go stale while the first one updates: `status` brings the call's one card up to
    // date (posting it only if it has none) and says where it is.
    status: async (context, request, command, t) => {
      const call = await this.options.desk.status(request, command.call);
      if ((await this.options.cards.post(context, call)) === 'updated') await context.sendActivity(statusLine(call, t));
    },
    hangup: async (context, request, command, t) => {
      await context.sendActivity(hangUpLine(await this.options.desk.hangUp(request, command.call), t));
    },
    mute: async (context, request, command, t) => {
      const who = await this.participantNamed(context, request, command.person);
      await context.sendActivity(changeLine(await this.options.desk.mute(request, command.call, who), t));
    },
    remove: async (context, request, command, t) => {
      const who = await this.participantNamed(context, request, command.person);
      await context.sendActivity(changeLine(await this.options.desk.remove(request, command.call, who), t));
    },
    doctor: async (context, request, _command, t) => {
      await context.sendActivity(await doctorReply(this.options.doctor, request, t));
    },
    // The page's card is the answer: it shows the ladder live, and the chat hears the outcome once it is known.
    page: async (context, request, command) => {
      const targets = await this.resolve(context, request, command.steps, checkPageSteps);
      const page = await this.options.pager.start(request, targets, { ...(command.call ? { into: command.call } : {}), ...(command.waitMs === undefined ? {} : { waitMs: command.waitMs }) });
      await postFresh(context, this.options.pageCards, page, () => this.options.pager.pageInChat(request, page.id), (p) => p.revision);
    },
    team: async (context, request, command, t) => {
      const scope = peopleTeamsScopeOf(context);
      if (command.action === 'show') {
        const team = await this.options.teams.show(scope, command.name);
        await context.sendActivity(teamLine(team, await this.resolve(context, request, team.people), t));
        return;
      }
      // A team's people are rung by whoever names it: changing them takes the right to place calls.
      await this.options.desk.mayPlaceCalls(request);
      if (command.action === 'delete') {
        await context.sendActivity(teamDeletedLine(await this.options.teams.delete(scope, command.name), t));
        return;
      }
      // Looked up before the team is saved, so that someone Rally cannot find is refused now rather than at each use.
      const targets = await this.resolve(context, request, command.people);
      await context.sendActivity(teamSavedLine(await this.options.teams.define(scope, command.name, command.people), targets, t));
    },
    teams: async (context, _request, _command, t) => {
      await context.sendActivity(teamsLine(await this.options.teams.list(peopleTeamsScopeOf(context)), t));
    },
  };

  /** What each call card button does (Refresh only redraws, which every call card action ends with). */
  private readonly callCardButtons: CallCardTable = {
    refresh: async () => undefined,
    hangup: async (context, request, action, t) => this.commands.hangup(context, request, { kind: 'hangup', call: callRefOf(action) }, t),
    invite: async (context, request, action, t) =>
      this.commands.invite(context, request, { kind: 'invite', call: callRefOf(action), people: parsePeopleList(namedPeople(action), 'invite', 'alice@contoso.com') }, t),
    escalate: async (context, request, action, t) =>
      this.commands.escalate(context, request, { kind: 'escalate', call: callRefOf(action), people: parsePeopleList(namedPeople(action), 'escalate', 'bob@contoso.com') }, t),
    // The people typed are rung in the order given, one at a time, into the bridge.
    pageInto: async (context, request, action, t) =>
      this.commands.page(context, request, { kind: 'page', call: callRefOf(action), steps: parsePeopleList(namedPeople(action), 'page', 'alice@contoso.com, bob@contoso.com') }, t),
    muteParticipant: async (context, request, action, t) =>
      void (await context.sendActivity(changeLine(await this.options.desk.mute(request, callRefOf(action), participantOf(action)), t))),
    removeParticipant: async (context, request, action, t) =>
      void (await context.sendActivity(changeLine(await this.options.desk.remove(request, callRefOf(action), participantOf(action)), t))),
  };

  /** What each page card button does (Refresh only redraws, which every page card action ends with). */
  private readonly pageCardButtons: PageCardTable = {
    refreshPage: async () => undefined,
    skipPageStep: async (_context, request, action) => void (await this.options.pager.skip(request, action.pageId, action.step)),
    stopPage: async (_context, request, action) => void (await this.options.pager.stop(request, action.pageId)),
  };

  constructor(private readonly options: RallyBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      const t = translatorFor(turnLanguage(context));
      await answeringOnce(context, options.log, t, async () => {
        // Remembering the chat is for reports after this turn: it need not hold up the command. Both are waited for,
        // so that a failure of one is answered only once the other has said what it had to say. A message delivered
        // again acts once without a record of its own: what each command asks for is keyed by the message (the
        // intent of a call, the operation of an invite, the page), so a redelivery finds it and sends nothing twice.
        const [command, remembered] = await Promise.allSettled([this.handleMessage(context, t), options.chats.remember(context)]);
        for (const settled of [command, remembered]) if (settled.status === 'rejected') throw settled.reason;
      });
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await this.forgetChat(context);
      await next();
    });
    this.onMembersRemoved(async (context, next) => {
      if (context.activity.membersRemoved?.some((m) => m.id === context.activity.recipient.id)) await this.forgetChat(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await options.chats.remember(context);
      await this.sendHelp(context, translatorFor(turnLanguage(context)));
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const t = translatorFor(turnLanguage(context));
    try {
      await this.options.chats.remember(context);
      const action = readCardAction(invokeValue.action?.verb, invokeValue.action?.data);
      const request = this.chatRequest(context);
      if (action.verb === 'runCommand') {
        const command = parseCommand(action.preset ?? action.command ?? '');
        // One press of one copy of the help card acts once (a double click on "Join this meeting" joins it once), and
        // what it asks Graph for is keyed by the press; the fresh copy it is answered with acts again.
        const key = action.copy === undefined ? undefined : `action/${request.chatKey}/help/${action.copy}/${digestOf([action.preset, action.command])}`;
        if (key === undefined) await this.runCommand(context, request, command, t);
        else await this.options.chats.actOnce(key, () => this.runCommand(context, { ...request, activityKey: key }, command, t));
        return cardResponse(this.helpCard(context, t));
      }
      if (isPageAction(action)) return await this.pressPageButton(context, request, action, t);
      const ref = callRefOf(action);
      const call = await this.options.desk.callInChat(request, ref);
      // One press of one button on one version of the card acts once; a press whose turn was cut short (a crash) acts
      // when Teams delivers it again, and what it asks Graph for is keyed by the press, so nothing is sent twice. A
      // press on a stale copy of an ended call's card (one whose update was lost) is answered with the card as it is.
      const key = actionKey(request, action);
      if (action.verb !== 'refresh' && isLive(call)) await this.options.chats.actOnce(key, () => this.runButton(context, { ...request, activityKey: key }, action, t));
      return cardResponse(await this.options.cards.render(context, await this.options.desk.callInChat(request, ref)));
    } catch (error) {
      // The answer to a button is the invoke response, shown to the person who pressed it: once, not also in the chat.
      this.logError(error);
      // Universal Actions' message response carries the text itself as `value`; botbuilder types it as an object.
      return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: t.say(sentenceOf(error, SOMETHING_WENT_WRONG)) as unknown as Record<string, unknown> };
    }
  }

  /** A page card's button: acts once per press (as call card buttons do), and answers with the page as it is now. */
  private async pressPageButton(context: TurnContext, request: ChatRequest, action: PageCardAction, t: Translator): Promise<AdaptiveCardInvokeResponse> {
    const page = await this.options.pager.pageInChat(request, action.pageId);
    const key = `action/${request.chatKey}/page/${action.pageId}/${action.verb}/${action.rev ?? ''}`;
    if (action.verb !== 'refreshPage' && page.state === 'paging') {
      await this.options.chats.actOnce(key, () => (this.pageCardButtons[action.verb] as Turn<PageCardAction>)(context, { ...request, activityKey: key }, action, t));
    }
    return cardResponse(await this.options.pageCards.render(context, await this.options.pager.pageInChat(request, action.pageId)));
  }

  /** Rally left the chat: what it kept to reach the chat and name its calls goes now, not at the retention's end. */
  private async forgetChat(context: TurnContext): Promise<void> {
    await this.options.chats.forget(context);
    await this.options.desk.forgetChat(chatKeyOf(context));
    await this.options.teams.forget(peopleTeamsScopeOf(context));
  }

  private async handleMessage(context: TurnContext, t: Translator): Promise<void> {
    const { activity } = context;
    const text = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
    const mentions: MentionedPerson[] = TurnContext.getMentions(activity)
      .filter((m) => m.mentioned.id !== activity.recipient.id)
      .map((m) => ({ text: m.text, id: m.mentioned.id, name: m.mentioned.name }));
    try {
      await this.runCommand(context, this.chatRequest(context), parseCommand(text.trim(), mentions), t);
    } catch (error) {
      await answerError(context, this.options.log, error, t);
      if (error instanceof CommandError && error.code === 'unknownCommand') await this.sendHelp(context, t);
    }
  }

  private runCommand(context: TurnContext, request: ChatRequest, command: Command, t: Translator): Promise<void> {
    return (this.commands[command.kind] as Turn<Command>)(context, request, command, t);
  }

  private runButton(context: TurnContext, request: ChatRequest, action: CallCardAction, t: Translator): Promise<void> {
    return (this.callCardButtons[action.verb] as Turn<CallCardAction>)(context, request, action, t);
  }

  /** The people named, the teams among them expanded first and held to the command's bound (`check`), looked up. */
  private async resolve(context: TurnContext, request: ChatRequest, people: readonly PersonRef[], check = checkPeopleCount) {
    const named = await this.options.teams.expand(peopleTeamsScopeOf(context), people);
    check(named);
    return this.options.people.resolveAll(context, request.tenantId, named);
  }

  private async singleUser(context: TurnContext, request: ChatRequest, person: PersonRef): Promise<UserTarget> {
    const [target] = await this.resolve(context, request, [person], checkOneToMove);
    if (target?.kind !== 'user') throw new InvalidRequestError('moveNotAUser', sentence('chat.error.onlyUsersMove'));
    return target;
  }

  private async participantNamed(context: TurnContext, request: ChatRequest, person: PersonRef): Promise<ParticipantRef> {
    const [target] = await this.resolve(context, request, [person]);
    return { kind: 'person', target: target! };
  }

  private async sendHelp(context: TurnContext, t: Translator): Promise<void> {
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(this.helpCard(context, t))] });
  }

  /** In a meeting's own chat the help card also offers to join that meeting. */
  private helpCard(context: TurnContext, t: Translator): AdaptiveCardJson {
    return renderHelpCard(t, this.options.botName, { inMeetingChat: meetingIdOf(context) !== undefined });
  }

  private async meetingToJoin(context: TurnContext, request: ChatRequest, meeting: MeetingRef): Promise<MeetingToJoin> {
    switch (meeting.kind) {
      case 'link':
        return parseMeetingLink(meeting.url);
      case 'meetingId':
        return meetingById(meeting.id, meeting.passcode);
      case 'thisChat':
        return meetingOfThisChat(context, request.tenantId);
    }
  }

  private async postCallCard(context: TurnContext, request: ChatRequest, call: CallRecord): Promise<void> {
    await postFresh(context, this.options.cards, call, () => this.options.desk.callInChat(request, { kind: 'callId', id: call.callId }), cardRevision);
  }

  private chatRequest(context: TurnContext): ChatRequest {
    const { activity } = context;
    const tenantId = tenantIdOf(context);
    if (!tenantId) throw new InvalidRequestError('outsideOrganization', sentence('chat.error.notInOrganization'));
    return {
      chatKey: chatKeyOf(context),
      tenantId,
      requestedBy: { id: activity.from.aadObjectId ?? activity.from.id, ...(activity.from.name ? { name: activity.from.name } : {}) },
      ...localeOf(activity),
      ...(activity.type === 'message' && activity.id ? { activityKey: messageKey(context) } : {}),
    };
  }

  private logError(error: unknown): void {
    logFailure(this.options.log, error);
  }
}

/**
 * The turn's one answer to a failure: a turn that has answered already (a card posted, then its record could not be
 * saved) keeps that answer, and the failure only reaches the log. A store that refuses every write would otherwise
 * get the chat two refusals for one message, one from the command and one from the write that marks it handled.
 * `t`: the turn's words; the adapter's last resort has only the activity to read them from.
 */
export async function answerError(context: TurnContext, log: Pick<Logger, 'error' | 'info'>, error: unknown, t = translatorFor(turnLanguage(context))): Promise<void> {
  logFailure(log, error);
  if (!context.responded) await context.sendActivity(t.say(sentenceOf(error, SOMETHING_WENT_WRONG)));
}

/**
 * The adapter's last resort (`onTurnError`) for what escaped a turn: the same one answer. A report Rally posts on its
 * own (a proactive turn) has nobody waiting for an answer: its failure goes back to the report, which keeps its news
 * and is tried again, instead of telling the chat that something went wrong with a request nobody just made.
 */
export function answerTurnFailure(log: Pick<Logger, 'error' | 'info'>): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    if (context.activity.type === ActivityTypes.Event && context.activity.name === ActivityEventNames.ContinueConversation) throw error;
    await answerError(context, log, error);
  };
}

async function answeringOnce(context: TurnContext, log: Pick<Logger, 'error' | 'info'>, t: Translator, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    await answerError(context, log, error, t);
  }
}

function logFailure(log: Pick<Logger, 'error' | 'info'>, error: unknown): void {
  if (!(error instanceof RallyError)) log.error({ err: error }, 'command failed');
  else log.info({ code: error.code, detail: error.message }, 'command refused');
}

/**
 * Posts a new card and tracks it; what changed while it was on its way (notifications, a page's first step) is shown
 * at once, from `current`.
 */
async function postFresh<T>(context: TurnContext, cards: PostedCards<T>, item: T, current: () => Promise<T>, revision: (item: T) => string | number): Promise<void> {
  await cards.post(context, item);
  const now = await current();
  if (revision(now) !== revision(item)) await cards.update(context, now);
}

/** One key per chat message, the same on every delivery of it. */
function messageKey(context: TurnContext): string {
  return `message/${chatKeyOf(context)}/${context.activity.id ?? ''}`;
}

function callRefOf(action: CallCardAction): CallRef {
  return { kind: 'callId', id: action.callId };
}

/** The person a button beside them on a call card is about. */
function participantOf(action: Extract<CallCardAction, { participantId: string }>): ParticipantRef {
  return { kind: 'participant', participantId: action.participantId };
}

/** A short digest of what a press carries, for its key. */
function digestOf(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** One key per press of one button on one version of one card, with what was typed into it (and whom it is beside). */
function actionKey(request: ChatRequest, action: CallCardAction): string {
  const typed = 'people' in action || 'pickedPeople' in action ? [action.people, action.pickedPeople] : [undefined, undefined];
  const beside = 'participantId' in action ? [action.participantId] : [];
  return `action/${request.chatKey}/${action.callId}/${action.verb}/${String(action.rev)}/${digestOf([...typed, ...beside])}`;
}

function cardResponse(card: AdaptiveCardJson): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card };
}
