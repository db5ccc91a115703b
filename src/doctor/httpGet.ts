/** A GET's answer, as much of it as the checks read. */
export interface GetAnswer {
  status: number;
  body: string;
}

/** How the checks reach a URL; tests hand in one that trusts their loopback certificate. */
export type HttpGet = (url: string, headers?: Record<string, string>) => Promise<GetAnswer>;

const GET_TIMEOUT_MS = 10_000;

export const fetchGet: HttpGet = async (url, headers) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(GET_TIMEOUT_MS), redirect: 'manual', ...(headers ? { headers } : {}) });
  return { status: response.status, body: await response.text() };
};

/** Why a GET failed, in a few words: fetch hides the network error (ECONNREFUSED, a certificate) in its cause. */
export function unreachableReason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as NodeJS.ErrnoException).code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
