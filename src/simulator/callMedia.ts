// What Graph's service-hosted media does in a call the bot placed: plays prompts (playPrompt), reports key presses
// once the bot subscribed to them (subscribeToTone), and the scripted callee pressing a key after hearing a prompt.
import { randomUUID } from 'node:crypto';
import { badRequest } from './graphError.js';
import type { JsonObject } from './graphShapes.js';
import type { PromptMediaFetcher } from './media.js';
import type { DeliveryStep, NotificationDelivery } from './notificationDelivery.js';
import { promptPlayed, promptUnplayable } from './outcomes.js';
import { playPromptOperationResponse, promptOperationNotification, subscribeToToneOperationResponse, toneNotification } from './payloads.js';
import type { PlayPromptPlan, SubscribeToTonePlan } from './requestChecks.js';
import type { SimulatedCall } from './simulatedCall.js';
import { dtmfKey, toneFor } from './tones.js';
import type { DtmfKey, Tone } from './tones.js';

export interface CallLookup {
  /** A call that exists and was not deleted, or Graph's 404. */
  find(id: string): SimulatedCall;
}

export class CallMedia {
  constructor(
    private readonly calls: CallLookup,
    private readonly delivery: NotificationDelivery,
    private readonly fetcher: PromptMediaFetcher,
  ) {}

  /**
   * `200` with the running operation; then, in order with the call's other notifications, the media is fetched and the
   * operation reported completed (or failed), and a callee scripted to `answer` presses their key if the bot listens.
   */
  playPrompt(callId: string, plan: PlayPromptPlan): JsonObject {
    const call = this.serviceHosted(callId, 'playPrompt');
    if (call.state !== 'established') throw badRequest(`The call ${callId} is not established.`);
    const operation = { id: randomUUID(), clientContext: plan.clientContext };
    let problem: string | undefined;
    const played: DeliveryStep = {
      apply: async () => {
        // Prompts play one after the other: the first one that cannot be played ends the operation.
        for (const { uri } of plan.prompts) {
          problem = await this.fetcher.problemWith(uri);
          if (problem !== undefined) return;
        }
      },
      build: () => [
        promptOperationNotification(
          call,
          operation,
          problem === undefined ? { status: 'completed', resultInfo: promptPlayed() } : { status: 'failed', resultInfo: promptUnplayable(problem) },
        ),
      ],
    };
    // Only someone scripted to answer reacts to the prompt; they press whether or not the bot listens, Graph tells it only if it does.
    const callee = call.callee;
    const presses = callee?.outcome === 'answer' ? [this.pressStep(call, callee.presses, () => problem === undefined && call.tonesSubscribed)] : [];
    this.delivery.enqueue(call.id, () => call, [played, ...presses]);
    return playPromptOperationResponse(operation);
  }

  /** `200` with a completed operation: from now on key presses in this call are notified. */
  subscribeToTone(callId: string, plan: SubscribeToTonePlan): JsonObject {
    const call = this.serviceHosted(callId, 'subscribeToTone');
    call.tonesSubscribed = true;
    return subscribeToToneOperationResponse({ id: randomUUID(), clientContext: plan.clientContext });
  }

  /** Test control: someone in the call presses `key`. Throws unless the call is established and subscribed to tones. */
  pressKey(callId: string, key: string): void {
    const pressed = dtmfKey(key, 'pressKey');
    const call = this.calls.find(callId);
    if (call.state !== 'established') throw new Error(`Call ${callId} is ${call.state}: keys can only be pressed in an established call.`);
    if (!call.tonesSubscribed) throw new Error(`Call ${callId} has not subscribed to tones (POST .../subscribeToTone): Graph would not report the key.`);
    this.delivery.enqueue(call.id, () => call, [this.pressStep(call, pressed, () => true)]);
  }

  private serviceHosted(callId: string, action: string): SimulatedCall {
    const call = this.calls.find(callId);
    if (!call.serviceHostedMedia) throw badRequest(`The ${action} action is supported only for calls initiated with serviceHostedMediaConfig.`);
    return call;
  }

  /** A key press, numbered when it happens; nothing is sent when `happens` says no or the call is no longer up. */
  private pressStep(call: SimulatedCall, key: DtmfKey, happens: () => boolean): DeliveryStep {
    let tone: { sequenceId: number; tone: Tone } | undefined;
    return {
      apply: () => {
        if (!happens() || call.state !== 'established') return;
        tone = { sequenceId: (call.lastTone?.sequenceId ?? 0) + 1, tone: toneFor(key) };
        call.lastTone = tone;
      },
      build: () => (tone ? [toneNotification(call, tone)] : []),
    };
  }
}
