import restify from 'restify';
import type { Request, Server } from 'restify';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from '../log/logger.js';
import { activityShapeProblem } from './activityShape.js';
import { answeringUnavailableKeys } from './botAuthentication.js';
import { inRequest } from '../log/requestContext.js';
import { gracefulClose } from './gracefulClose.js';

/** What a PlainRoute is given. */
export interface PlainRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The query string's parameters (Graph calls back at exactly the callbackUri it was given, query included). */
  query: URLSearchParams;
  /** The parsed JSON body. The route may take it out (set it to undefined): nothing else holds it (see takeRequest). */
  body: unknown;
}

/** A route written as a plain function, so it can be tested without a server. */
export type PlainRoute = (request: PlainRequest) => Promise<{ status: number; body?: unknown }>;

export interface ServerParts {
  adapter: CloudAdapter;
  /** The bot's turn handler (`ActivityHandler.run`). */
  onTurn: (context: TurnContext) => Promise<void>;
  calling: PlainRoute;
  /** Audio files Graph downloads to play in calls, by path (public: Graph fetches them without credentials). */
  media?: Record<string, Buffer>;
  /** `checkReady` rejects when Rally cannot do its work now (its store cannot be read and written): `/readyz` answers 503 then. */
  store: { checkReady(): Promise<void> };
  log: Logger;
  /** Largest accepted request body; Teams activities and Graph notifications are far below it. */
  maxBodyBytes?: number;
  /** How long `close()` lets requests being answered finish; 10 s by default. */
  closeGraceMs?: number;
  /**
   * Accept activities whose serviceUrl is plain http on a loopback host: local mode, where the Bot Connector is a
   * local stand-in or the Agents Playground on loopback. Anything else must be https, as Teams' serviceUrls are.
   */
  allowLoopbackHttpServiceUrl?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting connections and resolves once the requests being answered have finished (or the grace ran out). */
  close(): Promise<void>;
}

export async function startHttpServer(parts: ServerParts, port: number, host = '0.0.0.0'): Promise<RunningServer> {
  const server: Server = restify.createServer({ name: 'rally', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: parts.maxBodyBytes ?? 256 * 1024, mapParams: false, rejectUnknown: true }));

  // Readiness, apart from liveness: a store outage takes the instance out of the load balancer, not out of the process.
  server.get('/readyz', async (_req, res) => {
    try {
      await parts.store.checkReady();
      res.send(200, { status: 'ready' });
    } catch (error) {
      parts.log.warn({ err: error }, 'not ready: the store cannot be read and written');
      res.send(503, { status: 'notReady' });
    }
  });

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  for (const [path, wav] of Object.entries(parts.media ?? {})) {
    server.get(path, async (_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': wav.length, 'cache-control': 'public, max-age=86400' });
      res.end(wav);
    });
  }

  server.post('/api/messages', async (req, res) => inRequest(async () => {
    parts.log.info({ activityId: activityIdOf(req.body) }, 'activity received');
    const problem = activityShapeProblem(req.body, { allowLoopbackHttp: parts.allowLoopbackHttpServiceUrl === true });
    if (problem !== undefined) {
      parts.log.warn({ problem }, 'malformed activity refused');
      res.send(400, { error: 'badActivity', message: problem });
      return;
    }
    try {
      // Signing keys Rally could not fetch are its own fault, and temporary: 503 (the adapter would answer 500).
      await answeringUnavailableKeys(res, (response) => parts.adapter.process(req, response, parts.onTurn), (error) =>
        res.send(503, { error: error.code }),
      );
    } catch (error) {
      parts.log.error({ err: error }, 'activity processing failed');
      if (!res.headersSent) res.send(500);
    }
  }));

  server.post('/api/calling', async (req, res) => inRequest(async () => {
    try {
      const answer = await parts.calling(takeRequest(req));
      res.send(answer.status, answer.body);
    } catch (error) {
      parts.log.error({ err: error }, 'calling notification handling failed');
      if (!res.headersSent) res.send(500);
    }
  }));

  server.on('restifyError', (req, res, err, callback) => {
    // The error's name, not its message: a JSON parse error's message quotes the body it could not read.
    parts.log.warn({ status: err.statusCode, path: req.path(), reason: err.name }, 'request refused');
    return callback();
  });

  const close = gracefulClose(server.server, parts.closeGraceMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close,
  };
}

/**
 * The request as a PlainRoute takes it, with restify's own references to the body (the parsed object, and the text as
 * `_body` and `rawBody`) dropped, so the route decides how long the body lives. A 250-person roster parses into about a
 * megabyte of objects: held until the answer, while the notifications wait for their write, it is copied by every
 * young-generation GC, which cost /api/calling half its throughput (bench/callingThroughput.bench.ts).
 */
function takeRequest(req: Request): PlainRequest {
  const request = { headers: req.headers, query: new URL(req.url ?? '/', 'http://rally.invalid').searchParams, body: req.body as unknown };
  const held = req as { body?: unknown; _body?: unknown; rawBody?: unknown };
  held.body = held._body = held.rawBody = undefined;
  return request;
}

function activityIdOf(body: unknown): string | undefined {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}
