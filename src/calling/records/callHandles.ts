// The short names a chat uses for its calls (`#1`, `#2`, ...), numbered per chat in the order they were placed.

/**
 * A call's handle as the catalogs' `select` reads it: `none` when it has none, and the sentence then names it in
 * words ("that call"), in the case it needs. Handles are `#n`, never `none`.
 */
export function handleParam(call: { handle?: string | undefined }): string {
  return call.handle ?? 'none';
}

/** A call named in a request: its per-chat number or its Graph call id. */
export type CallRef = { kind: 'handle'; number: number } | { kind: 'callId'; id: string };

export interface ChatCalls {
  /** The number the next call in this chat gets. */
  next: number;
  /** The chat's calls, oldest first; only the most recent are kept. */
  calls: { number: number; callId: string }[];
  /** When the chat last got a call (ISO 8601): retention keeps the counter this long after its last live call. */
  touchedAt?: string;
  /** Intents whose create answer was lost, newest last: calls that may exist but have no handle yet. */
  confirming?: string[];
}

/** A chat confirms no more calls than this at once; an older one still gets its card when it is found. */
const CONFIRMING_PER_CHAT = 10;

/** Notes an intent whose call Graph has not confirmed, so that `hangup` can find it before it has a handle. */
export function withConfirming(chat: ChatCalls | undefined, intentId: string, at: string): ChatCalls {
  const current = chat ?? { next: 1, calls: [] };
  const confirming = [...(current.confirming ?? []).filter((id) => id !== intentId), intentId].slice(-CONFIRMING_PER_CHAT);
  return { ...current, confirming, touchedAt: at };
}

/** Enough for any chat's live calls; older handles stop resolving (the Graph call id still works). */
export const REMEMBERED_CALLS_PER_CHAT = 100;

/** Gives `callId` the chat's next number; a call that already has one keeps it (the change may run twice). */
export function withHandle(chat: ChatCalls | undefined, callId: string, at: string, intentId?: string): ChatCalls {
  const current = withoutConfirming(chat ?? { next: 1, calls: [] }, intentId);
  if (current.calls.some((c) => c.callId === callId)) return current;
  const calls = [...current.calls, { number: current.next, callId }].slice(-REMEMBERED_CALLS_PER_CHAT);
  return { ...current, next: current.next + 1, calls, touchedAt: at };
}

/** The chat once the intent's call is known; the very chat when it was not confirming it (the store skips the write). */
function withoutConfirming(chat: ChatCalls, intentId: string | undefined): ChatCalls {
  if (intentId === undefined || !chat.confirming?.includes(intentId)) return chat;
  const { confirming: all, ...rest } = chat;
  const confirming = all!.filter((id) => id !== intentId);
  return confirming.length > 0 ? { ...rest, confirming } : rest;
}

export function handleText(chat: ChatCalls, callId: string): string | undefined {
  const entry = chat.calls.find((c) => c.callId === callId);
  return entry === undefined ? undefined : `#${entry.number}`;
}

/** The Graph call id a handle names in this chat, if the chat has it. */
export function callIdForHandle(chat: ChatCalls | undefined, number: number): string | undefined {
  return chat?.calls.find((c) => c.number === number)?.callId;
}
