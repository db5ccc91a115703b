// The simulator's public surface: what Rally's local mode and the tests import.
export { DEMO_DELIVERY_DELAY_MS, LOCAL_TENANT_ID, startGraphSimulator } from './graphSimulator.js';
export type { GraphSimulator, GraphSimulatorOptions, RecordedRequest } from './graphSimulator.js';
export { demoDirectory } from './directory.js';
export type { CallScript, DirectoryContents, MeetingAttendee, Outcome, SimulatedMeeting, SimulatedPerson, SimulatedPhone } from './directory.js';
export type { DtmfKey, Tone } from './tones.js';
export { DEFAULT_PERMISSIONS } from './requestChecks.js';
export type { Permission } from './requestChecks.js';
export type { FaultSpec } from './faults.js';
export type { CreatedMeeting, MeetingAccessPolicy } from './onlineMeetings.js';
export type { DeliveryRecord } from './notificationDelivery.js';
export type { ResultInfo } from './graphShapes.js';
