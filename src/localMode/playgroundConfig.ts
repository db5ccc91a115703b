// The Agents Playground's mock Teams context, built from the simulator's demo directory so that an @mention in the
// Playground resolves (through TeamsInfo.getMember) to a person the simulator knows.
import { demoDirectory, LOCAL_TENANT_ID } from '../simulator/index.js';

export const LOCAL_BOT_NAME = 'Rally';

const PLAYGROUND_USERS = 5;

/** The person using the Playground: every message and card action it writes comes from them. */
export const PLAYGROUND_CURRENT_USER = {
  id: 'user-id-0',
  name: 'Diego Siciliani',
  alias: 'diegos',
  aadObjectId: '6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a00',
};

export function playgroundConfig(): string {
  // The Playground's config schema (0.1.1) takes exactly five users, and refuses to start otherwise: the first five
  // demo people can be @mentioned there; the others are still found by their email (the simulator's directory).
  const people = (demoDirectory.people ?? []).slice(0, PLAYGROUND_USERS);
  const user = (id: string, name: string, upn: string, aadObjectId: string, indent: string) => {
    const [givenName = name, ...rest] = name.split(' ');
    return [
      `${indent}id: ${id}`,
      `${indent}name: ${name}`,
      `${indent}userPrincipleName: ${upn}`,
      `${indent}aadObjectId: ${aadObjectId}`,
      `${indent}givenName: ${givenName}`,
      `${indent}surname: ${rest.join(' ') || givenName}`,
      `${indent}email: ${upn}`,
    ];
  };
  return [
    'version: "0.1.1"',
    `tenantId: ${LOCAL_TENANT_ID}`,
    'bot:',
    '  id: rally-local',
    `  name: ${LOCAL_BOT_NAME}`,
    'currentUser:',
    ...user(PLAYGROUND_CURRENT_USER.id, PLAYGROUND_CURRENT_USER.name, `${PLAYGROUND_CURRENT_USER.alias}@contoso.com`, PLAYGROUND_CURRENT_USER.aadObjectId, '  '),
    'users:',
    ...people.flatMap((p, i) => {
      const [first, ...rest] = user(`user-id-${i + 1}`, p.displayName, p.userPrincipalName ?? `${p.id}@contoso.com`, p.id, '    ');
      return [`  - ${first!.trimStart()}`, ...rest];
    }),
    'personalChat:',
    '  id: rally-personal-chat',
    'groupChat:',
    '  id: rally-group-chat',
    '  name: Incident bridge',
    'team:',
    '  id: rally-team',
    '  name: Operations',
    '  aadGroupId: 6e1f3a52-1b0c-4e8b-9d1e-0a1d2c3b4a31',
    '  channels:',
    '    - id: rally-channel-oncall',
    '      name: On-call',
    '',
  ].join('\n');
}
