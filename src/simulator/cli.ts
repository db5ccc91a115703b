// `npm run simulator`: the Graph calling simulator on its own, with the demo directory and a human-paced "ringing".
// Options: --port N (default 4979), --app-id ID (default rally-local), --delay MS (default 1000). Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { demoDirectory } from './directory.js';
import type { CallScript } from './directory.js';
import { DEMO_DELIVERY_DELAY_MS, startGraphSimulator } from './graphSimulator.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4979' },
    'app-id': { type: 'string', default: 'rally-local' },
    delay: { type: 'string', default: String(DEMO_DELIVERY_DELAY_MS) },
  },
});

const wholeNumber = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number, got "${text}".`);
    process.exit(2);
  }
  return value;
};

const behaviour = (script: CallScript): string => `${script.outcome ?? 'answer'}${script.ringsForMs ? ` after ringing ${script.ringsForMs / 1000} s` : ''}`;

const simulator = await startGraphSimulator({
  port: wholeNumber('port', values.port),
  appId: values['app-id'],
  deliveryDelayMs: wholeNumber('delay', values.delay),
});

console.log(`Graph calling simulator listening on 127.0.0.1
  GRAPH_BASE_URL=${simulator.baseUrl}
  CALLING_OPENID_METADATA_URL=${simulator.openIdMetadataUrl}
  notification token audience: ${values['app-id']}
  people: ${(demoDirectory.people ?? []).map((p) => `${p.userPrincipalName} (${behaviour(p)})`).join(', ')}
  phones: ${(demoDirectory.phones ?? []).map((p) => `${p.number} (${behaviour(p)})`).join(', ')}
Press Ctrl-C to stop.`);

process.once('SIGINT', () => {
  void simulator.close().then(() => process.exit(0));
});
