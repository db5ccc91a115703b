// Bot Framework's side of /api/messages, all on 127.0.0.1: the channel's OpenID metadata and keys (the calling key
// server serves the same documents), tokens signed as the channel signs them, and outbound credentials that give
// replies a fixed token. The real outbound credential is MSAL, which takes https authorities only and asks
// login.microsoftonline.com about any authority it does not know, so it cannot be pointed at a loopback stand-in.
import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { MicrosoftAppCredentials, PasswordServiceClientCredentialFactory } from 'botframework-connector';
import type { ServiceClientCredentials } from 'botframework-connector';
import { BOT_FRAMEWORK_ISSUER, signToken } from './callingKeyServer.js';
import type { CallingKeyServer, SigningKey, TokenOptions } from './callingKeyServer.js';

export const BOT_APP_ID = '2c6b0f1e-8d3a-4e5b-9c7d-1a2b3c4d5e6f';
/** What the stand-in credentials put in `Authorization: Bearer` on Rally's replies. */
export const CONNECTOR_TOKEN = 'connector-access-token-7f3e9a1c';
// A discard port on loopback: named where botbuilder wants an outbound login URL, never contacted (see above).
const NOWHERE = 'https://127.0.0.1:9';

/** Every endpoint botbuilder would otherwise take from the public cloud, pointed at `keys` or nowhere. */
export function botFrameworkEndpoints(keys: CallingKeyServer): Partial<ConfigurationBotFrameworkAuthenticationOptions> {
  return {
    ToBotFromChannelOpenIdMetadataUrl: keys.metadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: keys.metadataUrl,
    ToBotFromChannelTokenIssuer: BOT_FRAMEWORK_ISSUER,
    ToChannelFromBotLoginUrl: `${NOWHERE}/botframework.com`,
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    OAuthUrl: NOWHERE,
    CallerId: 'urn:botframework:azure',
    ValidateAuthority: false,
  };
}

class FixedTokenCredentials extends MicrosoftAppCredentials {
  override async getToken(): Promise<string> {
    return CONNECTOR_TOKEN;
  }
}

/** Rally's real app-id checks, with the fixed token for replies instead of MSAL. */
export class StandInCredentialsFactory extends PasswordServiceClientCredentialFactory {
  override async createCredentials(appId: string, audience: string): Promise<ServiceClientCredentials> {
    if (!(await this.isValidAppId(appId))) throw new Error('Invalid appId.');
    return new FixedTokenCredentials(appId, '', undefined, audience);
  }
}

/** A token as the Bot Connector sends it with an activity: for the bot's app id, naming the activity's serviceUrl (claim `serviceurl`). */
export function channelToken(key: SigningKey, activity: Record<string, unknown>, options: TokenOptions = {}): Promise<string> {
  return signToken(key, { audience: BOT_APP_ID, ...options, claims: { serviceurl: activity.serviceUrl, ...options.claims } });
}
