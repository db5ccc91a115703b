// Running Rally: one request id from the chat turn to Graph and back into the logs, and a close that lets the turn
// being answered finish and store what it did.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage, StoreItems } from 'botbuilder';
import { createLogger } from '../../src/log/logger.js';
import { FileStorage } from '../../src/storage/fileStorage.js';
import { RallyHarness } from './rallyHarness.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface LogLine {
  msg: string;
  requestId?: string;
  activityId?: string;
}

describe('A request id from the chat turn to Graph', function () {
  let h: RallyHarness;
  const lines: LogLine[] = [];

  beforeEach(async () => {
    lines.length = 0;
    const log = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
    h = await RallyHarness.start({ parts: { log } });
  });
  afterEach(() => h.close());

  const requestIdLoggedFor = (activityId: string): string => {
    const received = lines.find((line) => line.msg === 'activity received' && line.activityId === activityId);
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
class GatedStorage implements Storage {
  heldWriteStored = false;
  readonly holding: Promise<void>;
  private arrived!: () => void;
  private gate!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.gate = resolve));
  private armed = true;

  constructor(private readonly inner: Storage, private readonly holds: (key: string) => boolean) {
    this.holding = new Promise((resolve) => (this.arrived = resolve));
  }

  release(): void {
    this.gate();
  }

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    if (this.armed && Object.keys(changes).some(this.holds)) {
      this.armed = false;
      this.arrived();
      await this.opened;
      await this.inner.write(changes);
      this.heldWriteStored = true;
      return;
    }
    await this.inner.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
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
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rally-close-'));
  });
  afterEach(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses new connections, lets the turn it is answering finish, and keeps what that turn stored', async () => {
    // The turn has placed the call and posted its card; it is storing the card's activity id when close() comes.
    const storage = new GatedStorage(await FileStorage.open(dir), (key) => key.startsWith('callCards/'));
    h = await RallyHarness.start({ parts: { storage } });
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
    const stored = await (await FileStorage.open(dir)).read([`callCards/${callId}`]);
    assert.ok(stored[`callCards/${callId}`], 'the card record is on disk');
  });
});
