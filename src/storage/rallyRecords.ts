// Every kind of record Rally keeps, each under a key prefix of its own in the one document store: the typed record
// stores the services are given.
import type { ChatRecords } from '../bot/chatRecords.js';
import type { CallingRecords } from '../calling/records/callingRecords.js';
import type { JobRecord } from '../calling/jobs/jobs.js';
import type { PageRecord } from '../calling/paging/pageRecord.js';
import type { RateWindow } from '../calling/policy/rateLimiter.js';
import type { RecordStore } from '../calling/records/recordStore.js';
import type { Logger } from '../log/logger.js';
import { DocumentRecordStore } from './documentRecordStore.js';
import type { DocumentStore } from './documentStore.js';

export interface RallyRecords extends CallingRecords, ChatRecords {
  rateWindows: RecordStore<RateWindow>;
  pages: RecordStore<PageRecord>;
  jobs: RecordStore<JobRecord>;
}

export function rallyRecords(documents: DocumentStore, log: Logger): RallyRecords {
  const store = <T>(prefix: string): RecordStore<T> => new DocumentRecordStore<T>(documents, prefix, { log });
  return {
    calls: store('calls/'),
    operations: store('operations/'),
    chats: store('chats/'),
    intents: store('intents/'),
    rateWindows: store('rateWindows/'),
    conversations: store('conversations/'),
    callCards: store('callCards/'),
    pageCards: store('pageCards/'),
    handledRequests: store('handled/'),
    peopleTeams: store('peopleTeams/'),
    pages: store('pages/'),
    jobs: store('jobs/'),
  };
}
