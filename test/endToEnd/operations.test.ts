// Running Rally: one request id from the chat turn to Graph and back into the logs, and a close that lets the turn
// being answered finish and store what it did.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { DocumentStore } from '../../src/storage/documentStore.js';
import { FileDocumentStore } from '../../src/storage/fileDocumentStore.js';
import { LogCapture } from '../support/logCapture.js';
import { makeTempDirectory } from '../support/tempDirectory.js';
import type { TempDirectory } from '../support/tempDirectory.js';
import { RallyHarness } from './rallyHarness.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface LogLine {
  msg: string;
  requestId?: string;
  activityId?: string;
}

describe('A request id from the chat turn to Graph', function () {
  let h: RallyHarness;
  let logs: LogCapture;

  beforeEach(async () => {
    logs = new LogCapture('info');
    h = await RallyHarness.start({ parts: { log: logs.log } });
  });
  afterEach(() => h.close());

  const requestIdLoggedFor = (activityId: string): string => {
    const received = (logs.records() as LogLine[]).find((line) => line.msg === 'activity received' && line.activityId === activityId);
    assert.ok(received, `Rally logged no "activity received" for ${activityId}`);
    assert.match(String(received.requestId), GUID);
    return received.requestId!;
  };

  it('sends Graph the id Rally logged for that activity as client-request-id, a new one for each turn', async () => {
    await h.say('call adelev@contoso.com', { id: 'msg-first' });
    await h.say('call alexw@contoso.com', { id: 'msg-second' });
    const [first, second] = h.createCallRequests();

    assert.equal(first?.headers['client-request-id'], requestIdLoggedFor('msg-first'));
    assert.equal(second?.headers['client-request-id'], requestIdLoggedFor('msg-second'));
    assert.notEqual(requestIdLoggedFor('msg-first'), requestIdLoggedFor('msg-second'));
    // The person look-up of the same turn carries it too.
    const lookups = h.graph('GET', /^\/users\//).map((r) => r.headers['client-request-id']);
    assert.ok(lookups.includes(requestIdLoggedFor('msg-first')), `look-ups carried ${lookups.join(', ')}`);
  });
});

/** A file store that holds the first write of a key it is told to, until released. */
class GatedStore implements DocumentStore {
  heldWriteStored = false;
  readonly holding: Promise<void>;
  private arrived!: () => void;
  private gate!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.gate = resolve));
  private armed = true;

  constructor(private readonly inner: DocumentStore, private readonly holds: (key: string) => boolean) {
    this.holding = new Promise((resolve) => (this.arrived = resolve));
  }

  release(): void {
    this.gate();
  }

  private async held<T>(key: string, write: () => Promise<T>): Promise<T> {
    if (!this.armed || !this.holds(key)) return write();
    this.armed = false;
    this.arrived();
    await this.opened;
    const result = await write();
    this.heldWriteStored = true;
    return result;
  }

  get(key: string) {
    return this.inner.get(key);
  }

  getIfChanged(key: string, eTag: string) {
    return this.inner.getIfChanged(key, eTag);
  }
  createIfAbsent(key: string, value: unknown) {
    return this.held(key, () => this.inner.createIfAbsent(key, value));
  }
  putIfMatch(key: string, value: unknown, eTag: string) {
    return this.held(key, () => this.inner.putIfMatch(key, value, eTag));
  }
  deleteIfMatch(key: string, eTag: string) {
    return this.inner.deleteIfMatch(key, eTag);
  }
  listByPrefix(prefix: string) {
    return this.inner.listByPrefix(prefix);
  }
  checkReady() {
    return this.inner.checkReady();
  }
  close() {
    return this.inner.close();
  }
}

function connectsTo(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('Closing Rally', function () {
  let h: RallyHarness;
  let dir: TempDirectory;

  beforeEach(async () => {
    dir = await makeTempDirectory('rally-close-');
  });
  afterEach(async () => {
    // Rally first: its store is in the directory.
    await h.close();
    await dir.remove();
  });

  it('refuses new connections, lets the turn it is answering finish, and keeps what that turn stored', async () => {
    // The turn has placed the call and posted its card; it is storing the card's activity id when close() comes.
    const files = await FileDocumentStore.open(dir.path);
    const storage = new GatedStore(files, (key) => key.startsWith('callCards/'));
    h = await RallyHarness.start({ parts: { store: storage } });
    const said = h.say('call adelev@contoso.com');
    await storage.holding;

    let storedBeforeClosed: boolean | undefined;
    const closed = h.rally.server.close().then(() => (storedBeforeClosed = storage.heldWriteStored));
    assert.equal(await connectsTo(h.rally.server.port), false, 'a closing Rally takes no new connections');
    storage.release();

    assert.equal(await said, 200, 'the turn being answered was answered');
    await closed;
    assert.equal(storedBeforeClosed, true, 'close() waited for the turn to store its card');

    const callId = h.callIdOfCard(h.connector.cardPosts()[0]!.id);
    assert.ok(await files.get(`callCards/${callId}`), 'the card record is stored');
    await files.close();
  });
});
