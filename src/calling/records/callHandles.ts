// The short names a chat uses for its calls (`#1`, `#2`, ...), numbered per chat in the order they were placed.

/** A call named in a request: its per-chat number or its Graph call id. */
export type CallRef = { kind: 'handle'; number: number } | { kind: 'callId'; id: string };

export interface ChatCalls {
  /** The number the next call in this chat gets. */
  next: number;
  /** The chat's calls, oldest first; only the most recent are kept. */
  calls: { number: number; callId: string }[];
  /** When the chat last got a call (ISO 8601): retention keeps the counter this long after its last live call. */
  touchedAt?: string;
}

/** Enough for any chat's live calls; older handles stop resolving (the Graph call id still works). */
export const REMEMBERED_CALLS_PER_CHAT = 100;

/** Gives `callId` the chat's next number; a call that already has one keeps it (the change may run twice). */
export function withHandle(chat: ChatCalls | undefined, callId: string, at: string): ChatCalls {
  const current = chat ?? { next: 1, calls: [] };
  if (current.calls.some((c) => c.callId === callId)) return current;
  const calls = [...current.calls, { number: current.next, callId }].slice(-REMEMBERED_CALLS_PER_CHAT);
  return { next: current.next + 1, calls, touchedAt: at };
}

export function handleText(chat: ChatCalls, callId: string): string | undefined {
  const entry = chat.calls.find((c) => c.callId === callId);
  return entry === undefined ? undefined : `#${entry.number}`;
}

/** The Graph call id a handle names in this chat, if the chat has it. */
export function callIdForHandle(chat: ChatCalls | undefined, number: number): string | undefined {
  return chat?.calls.find((c) => c.number === number)?.callId;
}
