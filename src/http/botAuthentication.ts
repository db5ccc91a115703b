// Inbound Bot Framework authentication for /api/messages. botbuilder's CloudAdapter answers 401 only for its own
// AuthenticationError; a token that fails jsonwebtoken's own checks (bad signature, `alg: none`, not valid yet) reaches
// it as jsonwebtoken's error and is answered 500, as if Rally had broken. This turns those into AuthenticationError, so
// every token the adapter refuses gets a 401, and logs the refusal (botbuilder only writes it to the console).
// When the Bot Framework's OpenID metadata or signing keys cannot be fetched, Rally cannot tell whether an activity is
// genuine: that is Rally's fault, not the sender's, so it is logged as one line and answered 503 (see
// `answeringUnavailableKeys`), as /api/calling answers when the calling keys are unreachable.
import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigurationBotFrameworkAuthentication, StatusCodes } from 'botbuilder';
import type { Activity, ConfigurationBotFrameworkAuthenticationOptions, Response } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { AuthenticateRequestResult, ServiceClientCredentialsFactory } from 'botframework-connector';
import { RallyError } from '../errors/rallyError.js';
import type { Logger } from '../log/logger.js';

/** The errors jsonwebtoken throws for a token that does not verify. */
const TOKEN_CHECK_FAILURES = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * Rally could not fetch the Bot Framework's OpenID metadata or signing keys, so it could not check the activity's
 * token. Nothing of the activity was run.
 */
export class BotFrameworkKeysUnavailableError extends RallyError {
  readonly code = 'botFrameworkKeysUnavailable';

  constructor(detail: string, options?: { cause?: unknown }) {
    super('Rally could not check a message because the Bot Framework signing keys were unreachable.', {
      detail: `Bot Framework signing keys unavailable: ${detail}`,
      cause: options?.cause,
    });
  }
}

/** What the key fetch failures of the activity being processed are written to (see `answeringUnavailableKeys`). */
const keyFailures = new AsyncLocalStorage<{ failure?: BotFrameworkKeysUnavailableError }>();

export class InboundBotAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(
    options: Partial<ConfigurationBotFrameworkAuthenticationOptions>,
    private readonly log: Logger,
    credentialsFactory?: ServiceClientCredentialsFactory,
  ) {
    super(options as ConfigurationBotFrameworkAuthenticationOptions, credentialsFactory);
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      const unavailable = keysUnavailable(error);
      if (unavailable !== undefined) {
        this.log.error({ err: unavailable }, 'activity not checked: the Bot Framework signing keys are unavailable');
        const watch = keyFailures.getStore();
        if (watch !== undefined) watch.failure = unavailable;
        throw unavailable;
      }
      const refused = error instanceof AuthenticationError || TOKEN_CHECK_FAILURES.has((error as Error).name);
      if (!refused) {
        this.log.error({ err: error }, 'activity not checked: the token check failed unexpectedly');
        throw error;
      }
      this.log.warn({ reason: (error as Error).message }, 'activity refused: its token did not pass');
      throw error instanceof AuthenticationError ? error : new AuthenticationError((error as Error).message, StatusCodes.UNAUTHORIZED);
    }
  }
}

/**
 * The key fetch failure in botbuilder's terms, if that is what `error` is: its OpenIdMetadata answers a metadata or key
 * set response that is not 2xx with these AuthenticationErrors (which the adapter would answer 401), and a fetch that
 * fails (unreachable, not JSON) with node-fetch's FetchError (answered 500).
 */
function keysUnavailable(error: unknown): BotFrameworkKeysUnavailableError | undefined {
  const { name, message } = error as Error;
  if (error instanceof AuthenticationError && /^Failed to load (Keys|openID config)\b/.test(message)) {
    return new BotFrameworkKeysUnavailableError(message, { cause: error });
  }
  if (name === 'FetchError') return new BotFrameworkKeysUnavailableError(message, { cause: error });
  return undefined;
}

/**
 * Runs `process` (CloudAdapter.process for one activity) with a response that passes every answer through as the
 * adapter writes it, except the 500 the adapter writes when the activity's token could not be checked for want of the
 * signing keys: `unavailable` answers that one instead. The adapter catches every error itself, so the response it
 * writes to is the one place to tell the two apart.
 */
export function answeringUnavailableKeys(
  response: Response,
  process: (response: Response) => Promise<void>,
  unavailable: (error: BotFrameworkKeysUnavailableError) => void,
): Promise<void> {
  const watch: { failure?: BotFrameworkKeysUnavailableError } = {};
  let answered = false;
  const answerUnavailable = (failure: BotFrameworkKeysUnavailableError) => {
    if (answered) return;
    answered = true;
    unavailable(failure);
  };
  const guarded: Response = {
    get socket() {
      return response.socket;
    },
    header: (name, value) => response.header(name, value),
    status: (code) => (watch.failure === undefined ? response.status(code) : guarded),
    send: (...args) => (watch.failure === undefined ? response.send(...args) : answerUnavailable(watch.failure)),
    end: (...args) => (watch.failure === undefined ? response.end(...args) : answerUnavailable(watch.failure)),
  };
  return keyFailures.run(watch, () => process(guarded));
}
