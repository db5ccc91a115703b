import { TeamsInfo } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import { sentence } from '../i18n/sentence.js';
import { CallingApiError, InvalidRequestError, parsePhoneNumber } from '../calling/index.js';
import type { CallTarget, CallingApi } from '../calling/index.js';
import type { Chats } from './chats.js';
import type { NamedPerson, PersonRef } from './commands.js';
import { canonicalTag } from '../i18n/languages.js';

/**
 * Turns the people named in chat into call targets: an @mention through Teams' roster (its Entra object id),
 * a UPN or email through Graph, an object id as is, a phone number through the phone parser. A user comes with what
 * Rally knows of their language: the locale it last saw from them in this chat, and Graph's preferredLanguage when
 * Graph was asked about them anyway.
 */
export class PeopleResolver {
  constructor(
    private readonly api: Pick<CallingApi, 'getUser'>,
    private readonly chats: Pick<Chats, 'localeSeenFrom'>,
  ) {}

  async resolveAll(context: TurnContext, tenantId: string, people: readonly NamedPerson[]): Promise<CallTarget[]> {
    const targets: CallTarget[] = [];
    // One at a time: a chat names at most a handful, and the first unknown person stops the request anyway.
    for (const person of people) targets.push(await this.withLocaleSeen(context, await this.resolve(context, tenantId, person)));
    return targets;
  }

  private async withLocaleSeen(context: TurnContext, target: CallTarget): Promise<CallTarget> {
    if (target.kind !== 'user') return target;
    const lastSeen = await this.chats.localeSeenFrom(context, target.id);
    return lastSeen === undefined ? target : { ...target, languages: { ...target.languages, lastSeen } };
  }

  private async resolve(context: TurnContext, tenantId: string, person: NamedPerson): Promise<CallTarget> {
    switch (person.kind) {
      case 'phone':
        return { kind: 'phone', number: parsePhoneNumber(person.raw).e164 };
      case 'objectId':
        return { kind: 'user', id: person.id };
      case 'userPrincipalName':
        return this.lookUp(tenantId, person.value);
      case 'mention':
        return this.fromMention(context, person);
    }
  }

  private async lookUp(tenantId: string, userPrincipalName: string): Promise<CallTarget> {
    try {
      const user = await this.api.getUser(tenantId, userPrincipalName);
      const preferred = canonicalTag(user.preferredLanguage);
      return {
        kind: 'user',
        id: user.id,
        ...(user.displayName ? { displayName: user.displayName } : {}),
        ...(preferred === undefined ? {} : { languages: { preferred } }),
      };
    } catch (error) {
      if (error instanceof CallingApiError && error.details.status === 404) {
        throw new InvalidRequestError('unknownUser', sentence('chat.error.unknownUser', { name: userPrincipalName }), { cause: error });
      }
      throw error;
    }
  }

  private async fromMention(context: TurnContext, person: Extract<PersonRef, { kind: 'mention' }>): Promise<CallTarget> {
    let member;
    try {
      member = await TeamsInfo.getMember(context, person.teamsId);
    } catch (error) {
      throw new InvalidRequestError('unknownMember', sentence('chat.error.unknownMember', { name: person.name }), { cause: error });
    }
    if (!member.aadObjectId) {
      throw new InvalidRequestError('memberWithoutEntraId', sentence('chat.error.memberWithoutEntraId', { name: person.name }));
    }
    return { kind: 'user', id: member.aadObjectId, displayName: member.name || person.name };
  }
}
