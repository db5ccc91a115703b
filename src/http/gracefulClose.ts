import type { Server, ServerResponse } from 'node:http';

/** How long a closing server lets requests it is answering finish before it cuts their connections. */
export const DEFAULT_GRACE_MS = 10_000;

/**
 * A close for `server` that loses no request it accepted: it stops listening, closes idle keep-alive connections,
 * waits (up to `graceMs`) until every request being answered has its response finished, then closes what is left.
 * Node's own `close()` would wait for every keep-alive connection, and `closeAllConnections()` cuts requests
 * mid-answer (a turn that placed a call and not yet stored its card). Calling the close again returns the same promise.
 */
export function gracefulClose(server: Server, graceMs: number = DEFAULT_GRACE_MS): () => Promise<void> {
  const answering = new Set<ServerResponse>();
  let allAnswered: (() => void) | undefined;
  server.on('request', (_request, response: ServerResponse) => {
    answering.add(response);
    // 'close' comes after the response is finished, and also when the client went away first.
    response.once('close', () => {
      answering.delete(response);
      if (answering.size === 0) allAnswered?.();
    });
  });

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (answering.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (allAnswered = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    server.closeAllConnections();
    await closed;
  };
  return () => (closing ??= close());
}
