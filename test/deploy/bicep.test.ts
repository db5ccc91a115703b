import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadSettings } from '../../src/config/settings.js';
import { BicepSource } from './bicepSource.js';

// No Bicep compiler or Azure here: these tests hold the template to the parts of Rally's contract it must keep.
// What only Azure can tell (property names the resource providers accept, role propagation) is in deploy/README.md.

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const bicep = new BicepSource(read('deploy/main.bicep'));
const parametersFile = JSON.parse(read('deploy/main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
const settingsSource = read('src/config/settings.ts');
const storeSettingsSource = read('src/config/storeSettings.ts');
const serverSource = read('src/http/server.ts');

const GUID = '11111111-2222-3333-4444-555555555555';
const TENANT = '99999999-8888-7777-6666-555555555555';
const HOST_URL = 'https://rally.example.azurecontainerapps.io';
const ACCOUNT_URL = 'https://rallyabcdef.blob.core.windows.net';
const STORAGE_BLOB_DATA_CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';

interface Param {
  name: string;
  secure: boolean;
  allowed: string[];
  minValue?: number;
  defaultValue?: string;
}

const optionalNumber = (text: string | undefined) => (text === undefined ? undefined : Number(text));

function params(): Param[] {
  return Array.from(bicep.text.matchAll(/((?:@\w+\((?:[^()]|\([^()]*\))*\)\s*)*)param (\w+) \w+(?: = (.+))?/g), (m) => {
    const decorators = m[1]!;
    const allowed = /@allowed\(\[([^\]]*)\]\)/.exec(decorators)?.[1] ?? '';
    return {
      name: m[2]!,
      secure: decorators.includes('@secure()'),
      allowed: Array.from(allowed.matchAll(/'([^']*)'/g), (a) => a[1]!),
      minValue: optionalNumber(/@minValue\((\d+)\)/.exec(decorators)?.[1]),
      defaultValue: m[3],
    };
  });
}

const literal = (expression: string | undefined) => /^'([^'$]*)'$/.exec(expression ?? '')?.[1] ?? /^(\d+)$/.exec(expression ?? '')?.[1];

/** `{ name: 'X', value: expr }` and `{ name: 'X', secretRef: expr }` entries in a piece of the template. */
function envEntries(piece: string): { name: string; kind: 'value' | 'secretRef'; expression: string }[] {
  return Array.from(piece.matchAll(/\{ name: '(\w+)', (value|secretRef): (.+?) \}/g), (m) => ({
    name: m[1]!,
    kind: m[2] as 'value' | 'secretRef',
    expression: m[3]!,
  }));
}

/**
 * The value an env expression has at run time: literals, parameter defaults and simple variables are read from the
 * template; the few values Azure supplies get samples. An expression not listed here fails the test on purpose.
 */
function runtimeValue(expression: string, appType: string): string {
  const fromAzure: Record<string, string> = {
    publicUrl: HOST_URL,
    appId: GUID,
    'identity.properties.clientId': GUID,
    // The blob endpoint without its final slash: the var's expression is held to that in its own test.
    storageAccountUrl: ACCOUNT_URL,
    'tenant().tenantId': TENANT,
    'environment().authentication.loginEndpoint': 'https://login.microsoftonline.com/',
    botAppType: appType,
  };
  const direct = literal(expression) ?? fromAzure[expression];
  if (direct !== undefined) return direct;
  const wrapped = /^string\((\w+)\)$/.exec(expression)?.[1] ?? expression;
  const param = params().find((p) => p.name === wrapped);
  const value = param ? literal(param.defaultValue) : literal(bicep.variable(wrapped));
  assert.ok(value !== undefined, `the test knows what ${expression} is at run time`);
  return value;
}

describe('Azure deployment (deploy/main.bicep)', () => {
  describe('as a Bicep file', () => {
    it('pairs every bracket outside strings and comments', () => {
      assert.deepEqual(bicep.unbalancedBrackets(), []);
    });

    it('declares every name it uses, and uses every parameter and variable it declares', () => {
      const declared = bicep.declarations();
      const references = bicep.references();
      const undeclared = references.filter((r) => !declared.has(r.name)).map((r) => `${r.name} (line ${bicep.text.slice(0, r.at).split('\n').length})`);
      assert.deepEqual(undeclared, []);
      const used = new Set(references.map((r) => r.name));
      const unused = [...declared].filter(([name, kind]) => (kind === 'param' || kind === 'var') && !used.has(name)).map(([name]) => name);
      assert.deepEqual(unused, []);
    });

    it('uses released (non-preview) API versions', () => {
      const resources = bicep.resources();
      assert.ok(resources.length > 5);
      for (const r of resources) assert.match(r.apiVersion, /^\d{4}-\d{2}-\d{2}$/, `${r.type}@${r.apiVersion}`);
    });

    it('has an example parameters file that names only real parameters and every required one, and no secret', () => {
      const declared = params();
      const given = Object.keys(parametersFile.parameters);
      assert.deepEqual(given.filter((name) => !declared.some((p) => p.name === name)), []);
      const required = declared.filter((p) => p.defaultValue === undefined).map((p) => p.name);
      assert.deepEqual(required.filter((name) => !given.includes(name)), []);
      assert.deepEqual(given.filter((name) => declared.find((p) => p.name === name)?.secure), []);
    });
  });

  describe('the bot', () => {
    it('is an Azure Bot for a single-tenant app or a user-assigned managed identity, as Rally supports', () => {
      const bot = bicep.resource('bot');
      assert.equal(bot.type, 'Microsoft.BotService/botServices');
      assert.match(bot.body, /kind: 'azurebot'/);
      assert.match(bot.body, /msaAppType: botAppType/);
      assert.match(bot.body, /msaAppTenantId: tenant\(\)\.tenantId/);
      assert.match(bot.body, /msaAppMSIResourceId: usesManagedIdentity \? identity\.id : null/);
      const appType = params().find((p) => p.name === 'botAppType')!;
      assert.deepEqual(appType.allowed, ['SingleTenant', 'UserAssignedMSI']);
      assert.match(settingsSource, /z\s*\.enum\(\['MultiTenant', 'SingleTenant', 'UserAssignedMSI'\]/, 'settings accept both app types');
    });

    it('gets messages at /api/messages and calls at /api/calling of the same public URL Rally is told', () => {
      assert.match(bicep.resource('bot').body, /endpoint: '\$\{publicUrl\}\/api\/messages'/);
      const channel = bicep.resource('teamsChannel');
      assert.equal(channel.type, 'Microsoft.BotService/botServices/channels');
      assert.match(channel.body, /name: 'MsTeamsChannel'/);
      assert.match(channel.body, /channelName: 'MsTeamsChannel'/);
      assert.match(channel.body, /isEnabled: true/);
      assert.match(channel.body, /enableCalling: true/);
      assert.match(channel.body, /callingWebhook: '\$\{publicUrl\}\/api\/calling'/);
      const publicUrlSetting = envEntries(bicep.variable('containerSettings')).find((e) => e.name === 'BOT_PUBLIC_URL');
      assert.equal(publicUrlSetting?.expression, 'publicUrl');
      assert.equal(bicep.variable('publicUrl'), "'https://${host}'");
    });
  });

  describe('Rally\'s container', () => {
    const app = () => bicep.resource('app').body;
    const settingsOf = (variable: string) => envEntries(bicep.variable(variable));
    const probe = (type: string) => new RegExp(`type: '${type}'\\s+httpGet: \\{\\s+path: '([^']+)'\\s+port: port\\s+\\}`).exec(app())?.[1];

    it('gets the common and store settings, the credential of its app type, and PSTN settings only when there is a number', () => {
      assert.match(
        app(),
        /env: concat\(containerSettings, storeSettings, usesManagedIdentity \? managedIdentitySettings : secretSettings, empty\(pstnApplicationInstanceId\) \? \[\] : pstnSettings\)/,
      );
    });

    it('sets only settings Rally has', () => {
      const names = ['containerSettings', 'storeSettings', 'secretSettings', 'managedIdentitySettings', 'pstnSettings'].flatMap(settingsOf).map((e) => e.name);
      assert.ok(names.length >= 19);
      for (const name of names) {
        const key = new RegExp(`^\\s+${name}:`, 'm');
        assert.ok(key.test(settingsSource) || key.test(storeSettingsSource), `${name} is a key of the settings schema`);
      }
    });

    for (const [appType, credentialSettings, credential] of [
      ['SingleTenant', 'secretSettings', 'secret'],
      ['UserAssignedMSI', 'managedIdentitySettings', 'managedIdentity'],
    ] as const) {
      it(`gives Rally settings it starts with, as a ${appType} bot, on the shared Blob container`, () => {
        const entries = [...settingsOf('containerSettings'), ...settingsOf('storeSettings'), ...settingsOf(credentialSettings)];
        const env = Object.fromEntries(
          entries.map((e) => [e.name, e.kind === 'secretRef' ? 'a-secret-from-key-vault' : runtimeValue(e.expression, appType)]),
        );
        const settings = loadSettings(env);
        assert.equal(settings.localMode, false);
        assert.equal(settings.bot.appType, appType);
        assert.equal(settings.graph.credential, credential);
        assert.equal(settings.callbackUri, `${HOST_URL}/api/calling`);
        assert.equal(String(settings.port), runtimeValue('string(port)', appType));
        // The app has only the user-assigned identity, so Rally must name it for storage whatever the bot's app type.
        assert.deepEqual(settings.store, { kind: 'blob', container: 'rally', accountUrl: ACCOUNT_URL, managedIdentityClientId: GUID });
      });
    }

    it('tells Rally the account\'s blob endpoint without its final slash, and the container the template makes', () => {
      assert.equal(bicep.variable('blobEndpoint'), 'storage.properties.primaryEndpoints.blob');
      assert.equal(
        bicep.variable('storageAccountUrl'),
        "endsWith(blobEndpoint, '/') ? substring(blobEndpoint, 0, length(blobEndpoint) - 1) : blobEndpoint",
      );
      const env = Object.fromEntries(settingsOf('storeSettings').map((e) => [e.name, e.expression]));
      assert.deepEqual(env, {
        RALLY_STORE: "'blob'",
        AZURE_STORAGE_ACCOUNT_URL: 'storageAccountUrl',
        RALLY_BLOB_CONTAINER: 'blobContainerName',
        STORAGE_MANAGED_IDENTITY_CLIENT_ID: 'identity.properties.clientId',
      });
      assert.match(bicep.resource('blobContainer').body, /name: blobContainerName/);
      const container = params().find((p) => p.name === 'blobContainerName');
      assert.equal(container?.defaultValue, "'rally'");
    });

    it('listens where the ingress and the probes send traffic: liveness on /healthz, readiness on /readyz', () => {
      assert.equal(runtimeValue('port', ''), String(loadSettings({}).port));
      assert.match(app(), /targetPort: port/);
      assert.equal(probe('Liveness'), '/healthz');
      assert.equal(probe('Readiness'), '/readyz');
      assert.match(serverSource, /server\.get\('\/healthz'/, 'Rally serves /healthz');
      assert.match(serverSource, /server\.get\('\/readyz'/, 'Rally serves /readyz');
      assert.match(app(), /external: true/);
      assert.match(app(), /allowInsecure: false/);
    });

    it('runs at least two replicas', () => {
      assert.match(app(), /minReplicas: minReplicas\s+maxReplicas: maxReplicas/);
      const min = params().find((p) => p.name === 'minReplicas')!;
      const max = params().find((p) => p.name === 'maxReplicas')!;
      assert.equal(min.minValue, 2, 'the template refuses fewer than two');
      assert.ok(Number(literal(min.defaultValue)) >= 2);
      assert.ok(max.minValue !== undefined && max.minValue >= 2);
      assert.ok(Number(literal(max.defaultValue)) >= Number(literal(min.defaultValue)));
    });

    it('explains why an overlap of revisions is safe', () => {
      const at = bicep.text.indexOf("activeRevisionsMode: 'Single'");
      const comment = bicep.text.slice(bicep.text.lastIndexOf('{', at), at);
      assert.match(comment, /conditional/);
      assert.match(comment, /lease/);
    });
  });

  describe('state', () => {
    it('is a Blob container in the storage account, with no Azure Files share, volume or mount left', () => {
      assert.equal(bicep.resource('blobService').type, 'Microsoft.Storage/storageAccounts/blobServices');
      assert.match(bicep.resource('blobService').body, /parent: storage\s+name: 'default'/);
      assert.equal(bicep.resource('blobContainer').type, 'Microsoft.Storage/storageAccounts/blobServices/containers');
      assert.match(bicep.resource('blobContainer').body, /parent: blobService/);
      assert.match(bicep.resource('blobContainer').body, /publicAccess: 'None'/);
      const types = bicep.resources().map((r) => r.type);
      assert.deepEqual(types.filter((t) => /fileServices|\/shares$|managedEnvironments\/storages/.test(t)), []);
      for (const gone of [/azureFile/i, /\bshares?\b:/, /volumeMounts/, /\bvolumes:/, /storageType:/, /mountPath/]) {
        assert.doesNotMatch(bicep.code, gone);
      }
    });

    it('lets the app\'s identity read and write blobs with Storage Blob Data Contributor, and no one use account keys', () => {
      const assignment = bicep.resource('blobDataContributor');
      assert.equal(assignment.type, 'Microsoft.Authorization/roleAssignments');
      assert.match(assignment.body, /scope: (storage|blobContainer)\n/);
      assert.match(assignment.body, /roleDefinitionId: subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', roles\.storageBlobDataContributor\)/);
      assert.match(bicep.variable('roles'), new RegExp(`storageBlobDataContributor: '${STORAGE_BLOB_DATA_CONTRIBUTOR}'`));
      // The principal of the identity the app runs as and names in STORAGE_MANAGED_IDENTITY_CLIENT_ID.
      assert.match(assignment.body, /principalId: identity\.properties\.principalId\s+principalType: 'ServicePrincipal'/);
      assert.match(bicep.resource('app').body, /type: 'UserAssigned'\s+userAssignedIdentities: \{\s+'\$\{identity\.id\}': \{\}/);
      assert.match(bicep.resource('app').body, /dependsOn: \[[^\]]*\bblobDataContributor\b[^\]]*\]/);
      const account = bicep.resource('storage').body;
      assert.match(account, /allowSharedKeyAccess: false/);
      assert.match(account, /allowBlobPublicAccess: false/);
      assert.doesNotMatch(bicep.code, /storage\.listKeys|listKeys\(storage/);
    });
  });

  describe('secrets', () => {
    it('sends the bot password only into Key Vault, and Rally reads it by reference', () => {
      const secure = params().filter((p) => p.secure).map((p) => p.name);
      assert.deepEqual(secure, ['botAppPassword']);
      const uses = bicep.references().filter((r) => r.name === 'botAppPassword');
      assert.equal(uses.length, 1);
      assert.equal(bicep.resource('appPassword').type, 'Microsoft.KeyVault/vaults/secrets');
      assert.match(bicep.resource('appPassword').body, /value: botAppPassword/);
      const password = envEntries(bicep.variable('secretSettings')).find((e) => e.name === 'MicrosoftAppPassword');
      assert.equal(password?.kind, 'secretRef');
      assert.match(bicep.resource('app').body, /secrets: usesManagedIdentity \? \[\] : keyVaultSecrets/);
      const secrets = bicep.variable('keyVaultSecrets');
      assert.match(secrets, /keyVaultUrl: '\$\{vault\.properties\.vaultUri\}secrets\/\$\{appPasswordSecretName\}'\s+identity: identity\.id/);
      assert.doesNotMatch(secrets, /\bvalue:/, 'no secret value in the container app');
    });

    it('outputs nothing secret', () => {
      const outputs = Array.from(bicep.code.matchAll(/^output .*$/gm), (m) => m[0]);
      assert.ok(outputs.length > 0);
      for (const output of outputs) assert.doesNotMatch(output, /botAppPassword|listKeys|secret/i, output);
    });

    it('lets the identity pull the image and read the vault with built-in roles', () => {
      assert.match(bicep.resource('acrPull').body, /scope: registry/);
      assert.match(bicep.resource('secretsUser').body, /scope: vault/);
      assert.match(bicep.resource('vault').body, /enableRbacAuthorization: true/);
      assert.match(bicep.resource('app').body, /server: registry\.properties\.loginServer\s+identity: identity\.id/);
    });
  });
});
