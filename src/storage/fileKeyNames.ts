// How the file store turns a key into a path: one directory level per `/`-separated segment, so listing a prefix reads
// only the directory of its complete segments. Names use only lowercase ASCII letters, digits and `_-%^~=+.`, so they
// mean the same on case-insensitive and normalizing file systems (macOS, Windows) as on Linux:
//
//   a-z 0-9 _ -        themselves
//   A-Z                `^` and the lowercase letter
//   other UTF-16 unit  `%xx` below U+0100, else `~xxxx` (lone surrogates included: every JS string round-trips)
//   empty segment      `=`
//
// `.` is always escaped, so no name can be `.`, `..` or hidden, and the only dots in a directory are Rally's own
// suffixes: `<name>.json` for a document, `.tmp-` for an unfinished write, `rally.lock` for the lock. A segment whose
// encoding is too long for one file name continues in a subdirectory named `<chunk>+`.

const DOCUMENT_SUFFIX = '.json';
const CONTINUED = '+';
const EMPTY_SEGMENT = '=';
// Leaves room for the document suffix and a temp suffix within the 255-byte name limit of common file systems.
const MAX_CHUNK = 160;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
const TOKENS = /\^[a-z]|%[0-9a-f]{2}|~[0-9a-f]{4}|[a-z0-9_-]/y;
const TEMP_MARK = '.tmp-';

export type DirectoryEntryName =
  | { kind: 'document'; text: string }
  | { kind: 'segment'; text: string }
  | { kind: 'continued'; text: string };

/** The path components, relative to the store's directory, of the file holding `key`. */
export function documentPath(key: string): string[] {
  const names = directoryPath(key.split('/'));
  names[names.length - 1] += DOCUMENT_SUFFIX;
  return names;
}

/** The path components of the directory holding the keys that continue after these complete segments. */
export function directoryPath(segments: string[]): string[] {
  return segments.flatMap(segmentNames);
}

/** What an entry of a store directory is, from its name alone; undefined for anything Rally did not write as data. */
export function parseEntryName(name: string): DirectoryEntryName | undefined {
  if (name.endsWith(DOCUMENT_SUFFIX)) return wellFormed('document', name.slice(0, -DOCUMENT_SUFFIX.length));
  if (name.endsWith(CONTINUED)) return wellFormed('continued', name.slice(0, -CONTINUED.length));
  return wellFormed('segment', name);
}

/** The key text an entry name stands for (a whole segment, or one chunk of a long one). */
export function decodeName(text: string): string {
  if (text === EMPTY_SEGMENT) return '';
  let decoded = '';
  TOKENS.lastIndex = 0;
  for (let match = TOKENS.exec(text); match; match = TOKENS.exec(text)) {
    const token = match[0];
    if (token.length === 1) decoded += token;
    else if (token[0] === '^') decoded += token.slice(1).toUpperCase();
    else decoded += String.fromCharCode(Number.parseInt(token.slice(1), 16));
  }
  return decoded;
}

/** A name for an unfinished write next to `file`, which a sweep can tell apart from every document and directory. */
export function tempName(file: string, random: string): string {
  return `${file}${TEMP_MARK}${random}`;
}

export function isTempName(name: string): boolean {
  return name.includes(TEMP_MARK);
}

function wellFormed(kind: DirectoryEntryName['kind'], text: string): DirectoryEntryName | undefined {
  if (text === EMPTY_SEGMENT && kind !== 'continued') return { kind, text };
  TOKENS.lastIndex = 0;
  let end = 0;
  while (TOKENS.exec(text)) end = TOKENS.lastIndex;
  return text.length > 0 && end === text.length ? { kind, text } : undefined;
}

/** One segment's names: all but the last end in `+`, each at most MAX_CHUNK characters and split between tokens. */
function segmentNames(segment: string): string[] {
  if (segment === '') return [EMPTY_SEGMENT];
  const tokens: string[] = [];
  for (let index = 0; index < segment.length; index++) tokens.push(encodeUnit(segment, index));
  const names: string[] = [];
  let chunk = '';
  for (const token of tokens) {
    if (chunk.length + token.length > MAX_CHUNK) {
      names.push(chunk + CONTINUED);
      chunk = '';
    }
    chunk += token;
  }
  names.push(chunk);
  return names;
}

function encodeUnit(segment: string, index: number): string {
  const char = segment.charAt(index);
  // `con.json` is as unusable on Windows as `con`: escape the first letter of a device name.
  const device = index === 0 && WINDOWS_DEVICE.test(segment);
  if (!device && /[a-z0-9_-]/.test(char)) return char;
  if (!device && /[A-Z]/.test(char)) return `^${char.toLowerCase()}`;
  const unit = segment.charCodeAt(index);
  return unit < 0x100 ? `%${unit.toString(16).padStart(2, '0')}` : `~${unit.toString(16).padStart(4, '0')}`;
}
