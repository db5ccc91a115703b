// Inbound Bot Framework authentication for /api/messages. botbuilder's CloudAdapter answers 401 only for its own
// AuthenticationError; a token that fails jsonwebtoken's own checks (bad signature, `alg: none`, not valid yet) reaches
// it as jsonwebtoken's error and is answered 500, as if Rally had broken. This turns those into AuthenticationError, so
// every token the adapter refuses gets a 401, and logs the refusal (botbuilder only writes it to the console).
import { ConfigurationBotFrameworkAuthentication, StatusCodes } from 'botbuilder';
import type { Activity, ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { AuthenticateRequestResult, ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Logger } from '../log/logger.js';

/** The errors jsonwebtoken throws for a token that does not verify. */
const TOKEN_CHECK_FAILURES = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

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
      const refused = error instanceof AuthenticationError || TOKEN_CHECK_FAILURES.has((error as Error).name);
      if (!refused) throw error;
      this.log.warn({ reason: (error as Error).message }, 'activity refused: its token did not pass');
      throw error instanceof AuthenticationError ? error : new AuthenticationError((error as Error).message, StatusCodes.UNAUTHORIZED);
    }
  }
}
