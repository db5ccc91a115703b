// The calling domain's front door: what the chat surface (bot/) uses of it. Rooms inside calling/ import each other
// directly; the edges import from here.

export { bridgeSubject, spacedMeetingId } from './bridges/bridgeMeeting.js';
export type { BridgeMeeting } from './bridges/bridgeMeeting.js';
export type { CallDesk, ParticipantChange } from './callDesk.js';
export type { ChatReports } from './chatReports.js';
export { CallingApiError, InvalidRequestError } from './errors.js';
export { NotYetError } from './jobs/jobs.js';
export { chatsWithLiveCalls } from './lifecycle/callRetention.js';
export { atMost, retentionRule } from './lifecycle/sweeper.js';
export type { RetentionRule } from './lifecycle/sweeper.js';
export { isBareEnd } from './notifications/resultInfoText.js';
export { MAX_PAGE_STEPS } from './paging/pageRecord.js';
export type { PageRecord, PageState, PageStep, PageStepStatus } from './paging/pageRecord.js';
export type { Pager } from './paging/pager.js';
export { isTenantAllowed } from './policy/callPolicy.js';
export type { CallDocument, CallNews, StoredCall } from './records/callDocument.js';
export type { CallRef } from './records/callHandles.js';
export { callEndReason } from './records/callRecord.js';
export type { CallChange, CallKind, CallRecord, Invitee, InviteeOutcome } from './records/callRecord.js';
export type { OperationRecord } from './records/operationRecord.js';
export { findParticipant, hasOthersToChange, targetName } from './records/participants.js';
export type { CallParticipant, ParticipantRef } from './records/participants.js';
export type { RecordStore } from './records/recordStore.js';
export type { CallingApi } from './requests/callingApi.js';
export type { CallState, GraphUser } from './requests/graphTypes.js';
export type { PromptMedia } from './requests/mediaRequests.js';
export { meetingById, meetingOfItsChat, parseMeetingLink } from './targets/meetingLink.js';
export type { MeetingToJoin, OrganizerMeeting } from './targets/meetingLink.js';
export type { CallTarget, UserTarget } from './targets/people.js';
export { displayPhoneNumber, parsePhoneNumber } from './targets/phoneNumber.js';
export { isLive } from './vocabulary.js';
export type { ChatRequest } from './vocabulary.js';
