// Just enough of Bicep's lexical rules to check a template without the Bicep compiler, which cannot be installed
// here (it ships as a .NET binary from GitHub releases, not as an npm or Debian package).
// `code` is the template with comments and the literal parts of strings blanked out (same length, same offsets),
// so brackets and identifiers can be found in it while values are read from `text` at the same positions.

type Mode = 'code' | 'string' | 'interpolation' | 'brace';

const KEYWORDS = new Set([
  'targetScope', 'param', 'var', 'resource', 'output', 'module', 'type', 'func', 'import', 'metadata', 'existing',
  'if', 'for', 'in', 'true', 'false', 'null', 'string', 'int', 'bool', 'object', 'array',
]);
/** Namespaces and functions Bicep provides. */
const BUILT_INS = new Set(['az', 'sys']);

export class BicepSource {
  readonly code: string;

  constructor(readonly text: string) {
    this.code = mask(text);
  }

  /** The names declared with param, var, resource, output or module, with their kind. */
  declarations(): Map<string, string> {
    return new Map(Array.from(this.code.matchAll(/^(param|var|resource|output|module)\s+([A-Za-z_]\w*)/gm), (m) => [m[2]!, m[1]!]));
  }

  /**
   * Identifiers used as values: the first name of each dotted path, not object keys, function names, decorators or
   * the names being declared.
   */
  references(): { name: string; at: number }[] {
    const found: { name: string; at: number }[] = [];
    for (const m of this.code.matchAll(/[A-Za-z_]\w*/g)) {
      const before = this.code.slice(0, m.index).trimEnd().at(-1);
      const after = this.code.slice(m.index + m[0].length).trimStart()[0];
      const declared = /^(param|var|resource|output|module)\s+$/.test(this.code.slice(Math.max(0, m.index - 10), m.index).replace(/^.*\n/s, ''));
      if (KEYWORDS.has(m[0]) || BUILT_INS.has(m[0]) || declared) continue;
      // An object key starts its line or follows `{` or `,`; a name before the `:` of a ternary is a value.
      const line = this.code.slice(this.code.lastIndexOf('\n', m.index - 1) + 1, m.index);
      const objectKey = after === ':' && /(^|[{,])\s*$/.test(line);
      if (before === '.' || before === '@' || objectKey || after === '(') continue;
      if (/^\d/.test(m[0])) continue;
      found.push({ name: m[0], at: m.index });
    }
    return found;
  }

  /** `[start, end)` of the bracketed block that opens at the first `open` at or after `from`. */
  blockAt(from: number, open: '{' | '['): [number, number] {
    const close = open === '{' ? '}' : ']';
    const start = this.code.indexOf(open, from);
    let depth = 0;
    for (let i = start; i < this.code.length; i++) {
      if (this.code[i] === open) depth++;
      if (this.code[i] === close && --depth === 0) return [start, i + 1];
    }
    throw new Error(`unbalanced ${open} at ${start}`);
  }

  /** The body of `resource <symbol> '<type>@<version>' = {...}` and its type and API version. */
  resource(symbol: string): { type: string; apiVersion: string; body: string } {
    const m = new RegExp(`^resource ${symbol} '([^'@]+)@([^']+)'`, 'm').exec(this.text);
    if (!m) throw new Error(`no resource ${symbol}`);
    const [start, end] = this.blockAt(m.index + m[0].length, '{');
    return { type: m[1]!, apiVersion: m[2]!, body: this.text.slice(start, end) };
  }

  /** Every `resource` with its type and API version. */
  resources(): { symbol: string; type: string; apiVersion: string }[] {
    return Array.from(this.text.matchAll(/^resource (\w+) '([^'@]+)@([^']+)'/gm), (m) => ({ symbol: m[1]!, type: m[2]!, apiVersion: m[3]! }));
  }

  /** The text of `var <name> = ...` up to the next declaration. */
  variable(name: string): string {
    const m = new RegExp(`^var ${name} = `, 'm').exec(this.text);
    if (!m) throw new Error(`no var ${name}`);
    const start = m.index + m[0].length;
    const next = this.code.slice(start).search(/^(param|var|resource|output|module) /m);
    const value = this.text.slice(start, next < 0 ? undefined : start + next);
    // Comments between this declaration and the next belong to the next one.
    return value.replace(/(\n\s*\/\/.*)+\s*$/, '').trim();
  }

  /** Brackets that do not pair up, outside strings and comments. */
  unbalancedBrackets(): string[] {
    const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
    const stack: string[] = [];
    const problems: string[] = [];
    for (const [i, c] of [...this.code].entries()) {
      if ('([{'.includes(c)) stack.push(c);
      else if (c in pairs && stack.pop() !== pairs[c]) problems.push(`${c} at line ${this.text.slice(0, i).split('\n').length}`);
    }
    return [...problems, ...stack.map((c) => `unclosed ${c}`)];
  }
}

function mask(text: string): string {
  const modes: Mode[] = ['code'];
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const mode = modes.at(-1)!;
    if (mode === 'string') {
      if (c === '\\') {
        out += '  ';
        i++;
      } else if (c === "'") {
        modes.pop();
        out += c;
      } else if (c === '$' && text[i + 1] === '{') {
        modes.push('interpolation');
        out += '${';
        i++;
      } else {
        out += c === '\n' ? '\n' : ' ';
      }
      continue;
    }
    if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      const end = text[i + 1] === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i) + 2;
      const stop = end <= i ? text.length : end;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop - 1;
    } else if (c === "'" && text.startsWith("'''", i)) {
      const stop = text.indexOf("'''", i + 3) + 3;
      out += `'''${text.slice(i + 3, stop - 3).replace(/[^\n]/g, ' ')}'''`;
      i = stop - 1;
    } else if (c === "'") {
      modes.push('string');
      out += c;
    } else if (c === '{' && mode !== 'code') {
      modes.push('brace');
      out += c;
    } else if (c === '}' && mode !== 'code') {
      modes.pop();
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}
