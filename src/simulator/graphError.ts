// Graph's error body: `{ error: { code, message, innerError: { 'request-id', date, 'client-request-id'? } } }`.

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export const badRequest = (message: string): GraphError => new GraphError(400, 'BadRequest', message);

export function graphErrorBody(error: GraphError, requestId: string, clientRequestId: string | undefined): object {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        'request-id': requestId,
        date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        ...(clientRequestId ? { 'client-request-id': clientRequestId } : {}),
      },
    },
  };
}

/** The code Graph uses for a status the simulator is told to fail with. */
export function codeForStatus(status: number): string {
  const codes: Record<number, string> = {
    400: 'BadRequest',
    401: 'InvalidAuthenticationToken',
    403: 'Forbidden',
    404: 'NotFound',
    409: 'Conflict',
    429: 'TooManyRequests',
    500: 'InternalServerError',
    502: 'BadGateway',
    503: 'ServiceUnavailable',
    504: 'GatewayTimeout',
  };
  return codes[status] ?? 'UnknownError';
}
