import { sentence } from '../../i18n/sentence.js';
import { InvalidRequestError } from '../errors.js';
import type { IdentitySet, InvitationParticipantInfo } from '../requests/graphTypes.js';
import { phoneDigits } from './phoneNumber.js';
import type { E164 } from './phoneNumber.js';

/** Who Rally is asked to call or invite: a Teams user (already resolved to an Entra object id) or a phone number. */
export type CallTarget = UserTarget | PhoneTarget;

export interface UserTarget {
  kind: 'user';
  /** Entra object id. */
  id: string;
  displayName?: string;
  /** Only for a user of another tenant. */
  tenantId?: string;
  /**
   * What Rally knows of the language they speak, for what it says to them (a page's spoken prompt): the locale it last
   * saw from them in the chat that names them, and their `preferredLanguage` in Graph. Tags as given, to be matched
   * against Rally's languages (never used to build a path).
   */
  languages?: { lastSeen?: string; preferred?: string };
}

export interface PhoneTarget {
  kind: 'phone';
  number: E164;
}

/** Who Rally calls *as*: the bot's application or the application instance that owns its phone number. */
export interface AppIdentity {
  id: string;
  displayName?: string;
}

/** `identitySet.user` for a user, `identitySet.phone` for a number, as the documents' examples spell them. */
export function identitySetFor(target: CallTarget): IdentitySet {
  if (target.kind === 'phone') {
    return { '@odata.type': '#microsoft.graph.identitySet', phone: { '@odata.type': '#microsoft.graph.identity', id: target.number } };
  }
  if (target.id.trim() === '') {
    throw new InvalidRequestError('missingUserId', sentence('calling.request.missingUserId'));
  }
  return {
    '@odata.type': '#microsoft.graph.identitySet',
    user: {
      '@odata.type': '#microsoft.graph.identity',
      id: target.id,
      ...(target.displayName === undefined ? {} : { displayName: target.displayName }),
      ...(target.tenantId === undefined ? {} : { tenantId: target.tenantId }),
    },
  };
}

/** The `invitationParticipantInfo` that rings this target, in a create-call `targets` list or an invite. */
export function invitationFor(target: CallTarget): InvitationParticipantInfo {
  return { '@odata.type': '#microsoft.graph.invitationParticipantInfo', identity: identitySetFor(target) };
}

/** Someone who asked Rally for something: their Entra object id and display name. */
export interface Person {
  id: string;
  /** As Teams names them; absent when it does not. */
  name?: string;
}

/** One key per person or number, however it was written: users by object id (any case), phones by their digits. */
export function targetKey(target: CallTarget): string {
  return target.kind === 'phone' ? `phone:${phoneDigits(target.number)}` : `user:${target.id.toLowerCase()}`;
}

/** The targets without repeats (the same user named twice, by mention and by email), first mention kept. */
export function distinctTargets<T extends CallTarget>(targets: readonly T[]): T[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = targetKey(t);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
