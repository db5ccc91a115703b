import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import dockerignore from '@balena/dockerignore';
import { DockerfileParser } from 'dockerfile-ast';
import type { Copy, Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { loadSettings } from '../../src/config/settings.js';
import { LoopbackServer } from '../support/loopbackServer.js';

// Docker cannot run here: these tests read the Dockerfile with the parser and linter of VS Code's Docker support,
// and run the health check's command for real against a loopback server.

const root = new URL('../../', import.meta.url);
const text = (file: string) => readFileSync(new URL(file, root), 'utf8');
const dockerfileText = text('Dockerfile');
const dockerfile = DockerfileParser.parse(dockerfileText);

interface Stage {
  name: string | null;
  image: string | null;
  instructions: Instruction[];
}

function stages(): Stage[] {
  const found: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = dockerfile.getFROMs()[found.length]!;
      found.push({ name: from.getBuildStage(), image: from.getImage(), instructions: [] });
    } else {
      found.at(-1)!.instructions.push(instruction);
    }
  }
  return found;
}

const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
const runs = (stage: Stage) => stage.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
const only = <T>(items: T[], what: string): T => {
  assert.equal(items.length, 1, `exactly one ${what}`);
  return items[0]!;
};

function env(stage: Stage): Map<string, string> {
  const found = new Map<string, string>();
  for (const e of dockerfile.getENVs().filter((e) => stage.instructions.includes(e))) {
    for (const p of e.getProperties()) found.set(p.getName(), p.getValue() ?? '');
  }
  return found;
}

function run(argv: string[], extraEnv: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH ?? '', ...extraEnv }, timeout: 10_000 }, (error) =>
      resolve(error ? Number(error.code ?? 1) : 0),
    );
  });
}

describe('Dockerfile', () => {
  const [build, runtime] = [stages()[0]!, stages().at(-1)!];

  it('passes the Dockerfile linter without a diagnostic', () => {
    assert.deepEqual(validate(dockerfileText), []);
  });

  it('builds in one stage and runs from a fresh one on the same Node image', () => {
    assert.ok(stages().length >= 2);
    assert.ok(build.name, 'the build stage is named');
    assert.equal(build.image, runtime.image);
    const [, major] = /^node:(\d+)-.*slim$/.exec(runtime.image ?? '') ?? [];
    const { engines } = JSON.parse(text('package.json')) as { engines: { node: string } };
    const supported = Array.from(engines.node.matchAll(/>=(\d+)\./g), (m) => m[1]);
    assert.ok(major !== undefined && supported.includes(major), `${runtime.image} is a slim Node ${supported.join(' or ')} image`);
  });

  it('compiles with the locked dependencies and ships only production ones', () => {
    assert.deepEqual(runs(build).map((r) => r.split(' ').slice(0, 2).join(' ')), ['npm ci', 'npm run']);
    assert.match(runs(build)[1]!, /^npm run build$/);
    assert.ok(runs(runtime).some((r) => /^npm ci\b.*--omit=dev/.test(r)), 'the runtime installs with --omit=dev');
    const fromBuild = dockerfile.getCOPYs().filter((c) => runtime.instructions.includes(c) && c.getFromFlag()?.getValue() === build.name);
    assert.deepEqual(fromBuild.map(args), [['/app/dist', './dist']]);
  });

  it('runs as an unprivileged user that owns the data directory', () => {
    const users = runtime.instructions.filter((i) => i.getKeyword() === 'USER');
    const user = args(users.at(-1)!)[0]!;
    assert.ok(!['root', '0'].includes(user.split(':')[0]!), `USER ${user}`);
    const dataDir = env(runtime).get('RALLY_DATA_DIR') ?? '';
    assert.match(dataDir, /^\//, 'RALLY_DATA_DIR is an absolute path in the image');
    assert.ok(runs(runtime).some((r) => r.includes(`chown ${user}:`) && r.includes(dataDir)), `${dataDir} belongs to ${user}`);
  });

  it('listens on Rally\'s default port and exposes it', () => {
    const port = String(loadSettings({}).port);
    assert.equal(env(runtime).get('PORT'), port);
    assert.deepEqual(runtime.instructions.filter((i) => i.getKeyword() === 'EXPOSE').map(args), [[port]]);
  });

  it('starts the compiled entry point of src/main.ts with node', () => {
    const cmd = only(dockerfile.getCMDs(), 'CMD');
    assert.deepEqual(cmd.getJSONStrings().map((s) => s.getJSONValue()), ['node', 'dist/main.js']);
    // tsconfig.build.json compiles src/ into dist/.
    assert.ok(existsSync(new URL('src/main.ts', root)), 'src/main.ts exists');
  });

  describe('health check', () => {
    const healthcheck = only(dockerfile.getHEALTHCHECKs(), 'HEALTHCHECK');
    const argv = JSON.parse((healthcheck.getArgumentsContent() ?? '').replace(/^CMD\s+/, '')) as string[];
    let server: LoopbackServer | undefined;

    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    const portOf = (s: LoopbackServer) => new URL(s.url).port;

    it('runs node, not curl or wget, which slim images lack', () => {
      assert.equal(argv[0], 'node');
    });

    it('passes when /healthz answers 200', async () => {
      server = await LoopbackServer.start((_req, res) => void res.writeHead(200).end('ok'));
      assert.equal(await run(argv, { PORT: portOf(server) }), 0);
      assert.deepEqual(server.requests.map((r) => [r.method, r.url]), [['GET', '/healthz']]);
    });

    it('fails when /healthz answers an error', async () => {
      server = await LoopbackServer.start((_req, res) => void res.writeHead(503).end());
      assert.equal(await run(argv, { PORT: portOf(server) }), 1);
    });

    it('fails when nothing listens', async () => {
      const gone = await LoopbackServer.start((_req, res) => void res.end());
      const port = portOf(gone);
      await gone.close();
      assert.equal(await run(argv, { PORT: port }), 1);
    });
  });
});

describe('.dockerignore', () => {
  const ignored = dockerignore.default().add(text('.dockerignore').split('\n'));

  it('keeps everything the Dockerfile copies from the build context', () => {
    const sources = dockerfile
      .getCOPYs()
      .filter((c: Copy) => c.getFromFlag() === null)
      .flatMap((c) => args(c).slice(0, -1));
    assert.ok(sources.length > 0);
    for (const source of sources) {
      assert.equal(ignored.ignores(source), false, `${source} reaches the build`);
    }
  });

  it('keeps local secrets, state and build output out', () => {
    for (const path of ['.env', '.env.local', '.rally-data/calls/1.json', 'node_modules/zod/package.json', 'dist/main.js', '.git/config', 'test/manifest/x.ts']) {
      assert.equal(ignored.ignores(path), true, `${path} stays out`);
    }
  });
});
