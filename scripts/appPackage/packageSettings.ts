import { z } from 'zod';

// The two settings (names from src/config/settings.ts) that make a Teams app package for one deployment.
// Packaging needs no secret, so it checks these two itself instead of loading Rally's full settings.

/** What the manifest template's placeholders are filled with. */
export interface PackageSettings {
  /** The bot's Entra application (client) id: the app id, the bot id and the webApplicationInfo id. */
  appId: string;
  /** The host name of BOT_PUBLIC_URL: the manifest's valid domain. */
  host: string;
}

/** A setting the package needs is missing or wrong. The message is one line naming it and how to fix it. */
export class PackageSettingsError extends Error {
  constructor(readonly setting: string, message: string) {
    super(message);
    this.name = 'PackageSettingsError';
  }
}

const rules = {
  MicrosoftAppId: {
    schema: z.guid(),
    rule: "must be the bot's Entra application (client) id, a GUID",
  },
  BOT_PUBLIC_URL: {
    // Teams only talks to bots on a public https host; a bare name such as localhost cannot be a valid domain.
    schema: z.url({ protocol: /^https$/, hostname: z.regexes.domain }),
    rule: "must be the bot's public https URL with a DNS host name, e.g. https://rally.contoso.com",
  },
} as const;

export function readPackageSettings(env: Readonly<Record<string, string | undefined>>): PackageSettings {
  return {
    appId: read(env, 'MicrosoftAppId'),
    host: new URL(read(env, 'BOT_PUBLIC_URL')).hostname,
  };
}

function read(env: Readonly<Record<string, string | undefined>>, setting: keyof typeof rules): string {
  const value = env[setting]?.trim() ?? '';
  const { schema, rule } = rules[setting];
  if (value === '') {
    throw new PackageSettingsError(setting, `Setting ${setting} is missing: it ${rule}.`);
  }
  if (!schema.safeParse(value).success) {
    // Only the name and the rule: the value is not echoed back.
    throw new PackageSettingsError(setting, `Setting ${setting} ${rule}.`);
  }
  return value;
}
