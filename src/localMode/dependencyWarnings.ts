// restify 11 loads spdy, whose http-deceiver reads `process.binding('http_parser')` as it loads: Node 20 prints
// DEP0111 for each of its two reads, on every start. Rally never uses spdy (it serves plain HTTP) and nothing in the
// warning is Rally's to fix; restify 12 drops spdy but needs Node 22. In local mode, where the console is for a person
// trying Rally, loading restify goes without it; elsewhere Node prints it as always
// (NODE_OPTIONS=--disable-warning=DEP0111 hides it there).

/** Is this Node's DEP0111 warning for `process.binding('http_parser')`? Any other warning is printed as usual. */
function isHttpParserDeprecation(warning: string | Error, rest: unknown[]): boolean {
  const message = typeof warning === 'string' ? warning : warning.message;
  const [typeOrOptions, code] = rest;
  const warningCode = typeof typeOrOptions === 'object' && typeOrOptions !== null ? (typeOrOptions as { code?: unknown }).code : code;
  return (warningCode === 'DEP0111' || (warning as { code?: unknown }).code === 'DEP0111') && message.includes("process.binding('http_parser')");
}

/** Runs `load` (the import that brings restify in) without Node's DEP0111 warning for http-deceiver. */
export async function withoutHttpParserDeprecation<T>(load: () => Promise<T>): Promise<T> {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    if (isHttpParserDeprecation(warning, rest)) return;
    (emitWarning as (this: NodeJS.Process, ...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return await load();
  } finally {
    process.emitWarning = emitWarning;
  }
}
