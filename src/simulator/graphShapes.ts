// The simulator's own view of the Graph cloud-communications payloads. It deliberately shares no types with Rally:
// it reads requests as untrusted JSON (see requestChecks.ts) and writes what the seed documents show.

/** Bodies are read and written as plain JSON objects; identitySets and the like keep whatever the caller sent. */
export type JsonObject = Record<string, unknown>;

export interface ResultInfo {
  '@odata.type': '#microsoft.graph.resultInfo';
  code: number;
  subcode: number;
  message: string;
}

export type CallState = 'establishing' | 'established' | 'terminating' | 'terminated';

export interface CommsNotification {
  '@odata.type': '#microsoft.graph.commsNotification';
  changeType: 'created' | 'updated' | 'deleted';
  resource?: string;
  resourceUrl: string;
  callbackUri?: string;
  resourceData: unknown;
}

export interface CommsNotifications {
  '@odata.type': '#microsoft.graph.commsNotifications';
  value: CommsNotification[];
}
