// The record stores of the calling domain, by what they hold; the storage edge provides them.
import type { CallIntent } from '../intents/callIntent.js';
import type { ChatCalls } from './callHandles.js';
import type { CallDocument } from './callDocument.js';
import type { OperationRecord } from './operationRecord.js';
import type { RecordStore } from './recordStore.js';

export interface CallingRecords {
  /** By call id: the call record, or a placeholder holding notifications that came before it (see CallKeeper). */
  calls: RecordStore<CallDocument>;
  /** By clientContext: invites and moves sent into calls. */
  operations: RecordStore<OperationRecord>;
  /** By chat key: the chat's call handles. */
  chats: RecordStore<ChatCalls>;
  /** By intent id, which the activity that started it names (see intentIdOf). */
  intents: RecordStore<CallIntent>;
}
