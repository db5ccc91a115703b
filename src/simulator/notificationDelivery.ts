// Delivers notifications to callback URIs the way Graph does: asynchronously after the HTTP answer, in order per
// call, signed, retried when the receiver does not answer 2xx; with switches for the ways real delivery misbehaves.
import { request } from 'node:http';
import type { CommsNotification, CommsNotifications } from './graphShapes.js';
import { envelope } from './payloads.js';
import type { NotificationSigner } from './notificationSigner.js';

export interface DeliverySwitches {
  /** Wait before each step (a step is one notification POST, or one batch). */
  delayMs: number;
  /** POST every envelope twice, as Graph does when it did not see the first answer in time. */
  duplicateDeliveries: boolean;
  /** Put all notifications scheduled together into one POST. */
  batchNotifications: boolean;
  /** Further attempts after a failed POST. */
  retries: number;
}

/**
 * One step: `apply` changes the simulated world when the step is due (it may take time, e.g. downloading a prompt;
 * the call's later steps wait for it), `build` then writes its notifications.
 */
export interface DeliveryStep {
  apply?: () => void | Promise<void>;
  build: () => CommsNotification[];
}

export interface DeliveryTarget {
  callbackUri: string;
  tenantId: string;
}

export interface DeliveryRecord {
  callbackUri: string;
  body: CommsNotifications;
  /** 1 for the first attempt. */
  attempt: number;
  /** The receiver's status, when it answered. */
  status?: number;
  /** Why the POST failed, when it did. */
  error?: string;
}

const POST_TIMEOUT_MS = 10_000;

class Cancelled extends Error {}

export class NotificationDelivery {
  readonly records: DeliveryRecord[] = [];
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; cancel: () => void }>();
  private closed = false;

  constructor(
    private readonly signer: NotificationSigner,
    private readonly switches: DeliverySwitches,
  ) {}

  /** Queue steps behind everything already queued under `key` (a call id), so each call's story stays in order. */
  enqueue(key: string, target: () => DeliveryTarget, steps: DeliveryStep[]): void {
    if (this.closed || steps.length === 0) return;
    const due = this.switches.batchNotifications ? [mergeSteps(steps)] : steps;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const chain = previous.then(async () => {
      for (const step of due) {
        await this.wait(this.switches.delayMs);
        await step.apply?.();
        // A step that took time (a download) must not post once the simulator is closing.
        if (this.closed) throw new Cancelled();
        const notifications = step.build();
        if (notifications.length > 0) await this.post(target(), envelope(notifications));
      }
    });
    // Never let a timer's work reject unobserved: a cancelled chain is expected, anything else is a simulator bug.
    const settled = chain.catch((error: unknown) => {
      if (!(error instanceof Cancelled)) process.emitWarning(`Graph simulator delivery failed: ${String(error)}`);
    });
    this.chains.set(key, settled);
    void settled.finally(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
  }

  /** Resolves when nothing is queued or in flight, including work queued while waiting. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }

  /** Drops everything still waiting; deliveries in flight finish or time out. */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.timers) entry.cancel();
    await this.idle();
  }

  private wait(ms: number): Promise<void> {
    if (this.closed) return Promise.reject(new Cancelled());
    return new Promise((resolve, reject) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        cancel: () => {
          clearTimeout(entry.timer);
          this.timers.delete(entry);
          reject(new Cancelled());
        },
      };
      this.timers.add(entry);
    });
  }

  private async post(target: DeliveryTarget, body: CommsNotifications): Promise<void> {
    const copies = this.switches.duplicateDeliveries ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      for (let attempt = 1; attempt <= this.switches.retries + 1; attempt++) {
        if (attempt > 1) await this.wait(this.switches.delayMs);
        const record: DeliveryRecord = { callbackUri: target.callbackUri, body, attempt };
        this.records.push(record);
        try {
          record.status = await send(target.callbackUri, `Bearer ${await this.signer.token(target.tenantId)}`, body);
          if (record.status >= 200 && record.status < 300) break;
        } catch (error) {
          record.error = error instanceof Error ? error.message : String(error);
        }
      }
    }
  }
}

function mergeSteps(steps: DeliveryStep[]): DeliveryStep {
  return {
    apply: async () => {
      for (const step of steps) await step.apply?.();
    },
    // Each step builds after its own apply would have run, so a merged batch builds once all have applied.
    build: () => steps.flatMap((s) => s.build()),
  };
}

/** A plain POST on a connection of its own (no keep-alive pool that could outlive the simulator). */
function send(url: string, authorization: string, body: CommsNotifications): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        timeout: POST_TIMEOUT_MS,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${POST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
