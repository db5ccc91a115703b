import { createHash } from 'node:crypto';
import { ActivityTypes, CardFactory, TeamsActivityHandler, TurnContext } from 'botbuilder';
import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue } from 'botbuilder';
import type { CallDesk, ChatRequest } from '../calling/callDesk.js';
import type { CallRef } from '../calling/records/callHandles.js';
import type { CallRecord } from '../calling/records/callRecord.js';
import { RallyError, userMessageOf } from '../errors/rallyError.js';
import { meetingById, parseMeetingLink } from '../calling/targets/meetingLink.js';
import type { UserTarget } from '../calling/targets/people.js';
import type { Logger } from '../log/logger.js';
import { ADAPTIVE_CARD_CONTENT_TYPE } from './cardTemplates.js';
import type { AdaptiveCardJson } from './cardTemplates.js';
import { renderCallCard, inviteeName } from './callCardView.js';
import type { ChatRecords } from './chatRecords.js';
import { parseCommand, CommandError } from './commandParser.js';
import type { MentionedPerson } from './commandParser.js';
import type { Command, PersonRef } from './commands.js';
import { doctorReply } from './doctorCommand.js';
import type { DoctorAccess } from './doctorCommand.js';
import { renderHelpCard } from './helpCard.js';
import type { PeopleResolver } from './peopleResolver.js';
import { tenantIdOf } from './tenantGate.js';

export interface RallyBotOptions {
  desk: CallDesk;
  people: PeopleResolver;
  records: ChatRecords;
  log: Logger;
  /** Whether the Teams client can show the Graph people picker on cards (the Agents Playground cannot). */
  peoplePicker: boolean;
  botName: string;
  doctor: DoctorAccess;
}

/** The chat key of a turn: one conversation (personal chat, group chat, or channel thread root). */
export function chatKeyOf(context: TurnContext): string {
  return context.activity.conversation.id.split(';messageid=')[0]!;
}

export const SOMETHING_WENT_WRONG = 'Something went wrong on my side; nothing was placed. Please try again in a moment.';

/**
 * The chat surface: reads commands and card actions, hands them to the calling desk, and shows the result.
 * Notifications are reported by the ChatReporter, not here.
 */
export class RallyBot extends TeamsActivityHandler {
  constructor(private readonly options: RallyBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      await this.rememberConversation(context);
      if (await this.firstTime(`message/${chatKeyOf(context)}/${context.activity.id ?? ''}`)) {
        await this.handleMessage(context);
      }
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.rememberConversation(context);
      await context.sendActivity({ attachments: [CardFactory.adaptiveCard(renderHelpCard(options.botName))] });
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    await this.rememberConversation(context);
    const verb = invokeValue.action?.verb;
    const data = (invokeValue.action?.data ?? {}) as Record<string, unknown>;
    const request = this.chatRequest(context);
    try {
      if (verb === 'runCommand') {
        const text = typeof data.preset === 'string' ? data.preset : typeof data.command === 'string' ? data.command : '';
        await this.runCommand(context, parseCommand(text));
        return cardResponse(renderHelpCard(this.options.botName));
      }
      const callId = typeof data.callId === 'string' ? data.callId : undefined;
      if (callId === undefined || !['refresh', 'invite', 'escalate', 'hangup'].includes(verb ?? '')) {
        throw new CommandError('badCommand', 'That button is not one I know. Say "help" to see what I can do.');
      }
      const ref: CallRef = { kind: 'callId', id: callId };
      const call = await this.options.desk.callInChat(request, ref);
      const key = `action/${request.chatKey}/${callId}/${verb}/${String(data.rev)}/${digest([data.people, data.pickedPeople])}`;
      if (verb !== 'refresh' && (await this.firstTime(key))) {
        await this.cardAction(context, request, verb!, call, data);
      }
      return cardResponse(await this.cardFor(await this.options.desk.callInChat(request, ref)));
    } catch (error) {
      await this.tellError(context, error);
      // Universal Actions' message response carries the text itself as `value`; botbuilder types it as an object.
      return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: userMessage(error) as unknown as Record<string, unknown> };
    }
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const { activity } = context;
    const text = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
    const mentions: MentionedPerson[] = TurnContext.getMentions(activity)
      .filter((m) => m.mentioned.id !== activity.recipient.id)
      .map((m) => ({ text: m.text, id: m.mentioned.id, name: m.mentioned.name }));
    try {
      await this.runCommand(context, parseCommand(text.trim(), mentions));
    } catch (error) {
      await this.tellError(context, error);
      if (error instanceof CommandError && error.code === 'unknownCommand') {
        await context.sendActivity({ attachments: [CardFactory.adaptiveCard(renderHelpCard(this.options.botName))] });
      }
    }
  }

  private async runCommand(context: TurnContext, command: Command): Promise<void> {
    const { desk } = this.options;
    const request = this.chatRequest(context);
    switch (command.kind) {
      case 'help':
        await context.sendActivity({ attachments: [CardFactory.adaptiveCard(renderHelpCard(this.options.botName))] });
        return;
      case 'call': {
        const targets = await this.options.people.resolveAll(context, request.tenantId, command.people);
        await this.postCallCard(context, await desk.placeCall(request, targets));
        return;
      }
      case 'join': {
        const meeting = command.meeting.kind === 'link' ? parseMeetingLink(command.meeting.url) : meetingById(command.meeting.id, command.meeting.passcode);
        await this.postCallCard(context, await desk.joinMeeting(request, meeting, command.guestName));
        return;
      }
      case 'invite': {
        const targets = await this.options.people.resolveAll(context, request.tenantId, command.people);
        const { call } = await desk.invite(request, command.call, targets);
        await this.updateCallCard(context, call);
        await context.sendActivity(`Inviting ${targets.map((t) => inviteeName({ target: t })).join(', ')} to ${call.handle ?? 'the call'}…`);
        return;
      }
      case 'escalate': {
        const targets = await this.options.people.resolveAll(context, request.tenantId, command.people);
        const groupCall = await desk.escalate(request, command.call, targets);
        await this.postCallCard(context, groupCall);
        await context.sendActivity(`Starting group call ${groupCall.handle ?? ''}; the one-to-one call moves into it once it connects.`);
        return;
      }
      case 'move': {
        const user = await this.singleUser(context, request, command.person);
        const { call } = await desk.move(request, user, command.from, command.to);
        await context.sendActivity(`Moving ${user.displayName ?? 'them'} into ${call.handle ?? 'the other call'}…`);
        return;
      }
      case 'calls': {
        const live = await desk.liveCalls(request);
        await context.sendActivity(
          live.length === 0 ? 'No calls are going on from this chat.' : live.map((c) => `${c.handle ?? c.callId}: ${describe(c)}`).join('\n\n'),
        );
        return;
      }
      case 'status':
        await this.postCallCard(context, await desk.status(request, command.call), false);
        return;
      case 'hangup': {
        const call = await desk.hangUp(request, command.call);
        await context.sendActivity(`Hanging up ${call.handle ?? 'the call'}…`);
        return;
      }
      case 'doctor':
        await context.sendActivity(await doctorReply(this.options.doctor, request));
        return;
    }
  }

  private async cardAction(context: TurnContext, request: ChatRequest, verb: string, call: CallRecord, data: Record<string, unknown>): Promise<void> {
    const ref: CallRef = { kind: 'callId', id: call.callId };
    if (verb === 'hangup') {
      await this.options.desk.hangUp(request, ref);
      await context.sendActivity(`Hanging up ${call.handle ?? 'the call'}…`);
      return;
    }
    const named = [textInput(data.pickedPeople), textInput(data.people)].filter((t) => t !== '').join(' ');
    const command = parseCommand(`${verb} ${named}`);
    if (command.kind !== 'invite' && command.kind !== 'escalate') return;
    await this.runCommand(context, { ...command, call: ref });
  }

  private async singleUser(context: TurnContext, request: ChatRequest, person: PersonRef): Promise<UserTarget> {
    const [target] = await this.options.people.resolveAll(context, request.tenantId, [person]);
    if (target?.kind !== 'user') throw new CommandError('badCommand', 'Only Teams users can be moved between meetings.');
    return target;
  }

  private async postCallCard(context: TurnContext, call: CallRecord, track = true): Promise<void> {
    const sent = await context.sendActivity({ attachments: [CardFactory.adaptiveCard(await this.cardFor(call))] });
    if (track && sent?.id) {
      const activityId = sent.id;
      await this.options.records.callCards.update(call.callId, () => ({ activityId }));
      // Notifications reported while the card was on its way found no card to update: show what they changed now.
      const current = await this.options.desk.callInChat(this.chatRequest(context), { kind: 'callId', id: call.callId });
      if (cardRevision(current) !== cardRevision(call)) await this.updateCallCard(context, current);
    }
  }

  private async updateCallCard(context: TurnContext, call: CallRecord): Promise<void> {
    const card = await this.options.records.callCards.get(call.callId);
    if (!card) return;
    await context.updateActivity({ type: ActivityTypes.Message, id: card.activityId, attachments: [CardFactory.adaptiveCard(await this.cardFor(call))] });
  }

  async cardFor(call: CallRecord): Promise<AdaptiveCardJson> {
    return renderCallCard(call, {
      pickerSupported: this.options.peoplePicker,
      refreshUserIds: [],
      revision: cardRevision(call),
    });
  }

  private chatRequest(context: TurnContext): ChatRequest {
    const { activity } = context;
    const tenantId = tenantIdOf(context);
    if (!tenantId) throw new CommandError('badCommand', 'I can only place calls from a Microsoft Teams chat in an organization.');
    return {
      chatKey: chatKeyOf(context),
      tenantId,
      requestedBy: { id: activity.from.aadObjectId ?? activity.from.id, name: activity.from.name ?? 'someone' },
    };
  }

  private async rememberConversation(context: TurnContext): Promise<void> {
    const reference = TurnContext.getConversationReference(context.activity);
    await this.options.records.conversations.update(chatKeyOf(context), () => reference);
  }

  /** True the first time a key is seen: a redelivered message or a double click is then ignored. */
  private async firstTime(key: string): Promise<boolean> {
    let first = false;
    await this.options.records.handledRequests.update(key, (current) => {
      first = current === undefined;
      return current ?? { at: new Date().toISOString() };
    });
    return first;
  }

  private async tellError(context: TurnContext, error: unknown): Promise<void> {
    if (!(error instanceof RallyError)) this.options.log.error({ err: error }, 'command failed');
    else this.options.log.info({ code: error.code, detail: error.message }, 'command refused');
    await context.sendActivity(userMessage(error));
  }
}

function userMessage(error: unknown): string {
  return userMessageOf(error, SOMETHING_WENT_WRONG);
}

function cardResponse(card: AdaptiveCardJson): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card };
}

function textInput(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 1000) : '';
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value ?? null)).digest('hex').slice(0, 16);
}

/** Changes whenever the record does, so a button pressed twice on one version of the card acts once. */
export function cardRevision(call: CallRecord): string {
  return digest(call);
}

function describe(call: CallRecord): string {
  const people = call.invitees.map((i) => `${inviteeName(i)} (${i.outcome})`).join(', ');
  return `${call.kind === 'meeting' || call.kind === 'guestMeeting' ? 'meeting' : 'call'}, ${call.state}${people ? `, ${people}` : ''}`;
}
