// How the Blob store names a key's blob. Most keys (`calls/19:abc@thread.v2`) are their own blob name; only what Azure
// rejects or mangles is escaped, with `%`:
//
//   `%`, `\`, controls, lone surrogates, private-use, BOM, bidi and other invisible format characters
//                          `%xx` below U+0100, else `%uxxxx`
//   a segment's last `.`   `%2e`, so no name ends in `.` and no segment is `.` or `..` (URLs would resolve them away)
//   an empty segment       `%_`, so no name ends in `/` and none holds `//`
//
// Every rule but the last two is per character, so a key prefix's name is a prefix of the key's name once trailing
// dots (and half a surrogate pair) are left off it: Azure can then list a prefix server-side. The escaped set is a
// fixed list, not a Unicode property, so a key never changes name when Node's Unicode tables do.

const MAX_NAME_LENGTH = 1024;
const MAX_SEGMENTS = 254;
const EMPTY_SEGMENT = '%_';
// [first, last] UTF-16 code units escaped besides `%` and `\`; surrogates are handled apart (pairs pass, lone ones don't).
const ESCAPED_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x001f], [0x007f, 0x009f], // controls
  [0x200b, 0x200f], [0x2028, 0x202e], [0x2060, 0x206f], [0xfeff, 0xfeff], // invisible, line breaks, bidi, BOM
  [0xe000, 0xf8ff], [0xfdd0, 0xfdef], [0xfff0, 0xffff], // private use, noncharacters, specials
];
const TOKENS = /%u[0-9a-f]{4}|%[0-9a-f]{2}|[^%]/y;

/** The blob name for `key`. Throws RangeError for the rare key Azure cannot name (see MAX_NAME_LENGTH, MAX_SEGMENTS). */
export function blobName(key: string): string {
  const segments = key.split('/');
  const name = segments.map(encodeSegment).join('/');
  if (name.length > MAX_NAME_LENGTH || segments.length > MAX_SEGMENTS) {
    throw new RangeError(`BlobDocumentStore: the key "${key}" needs a blob name longer than Azure allows.`);
  }
  return name;
}

/** A prefix of the blob name of every key that starts with `prefix` (the server-side listing filter). */
export function blobNamePrefix(prefix: string): string {
  const cut = prefix.lastIndexOf('/') + 1;
  const complete = cut === 0 ? '' : `${prefix.slice(0, cut - 1).split('/').map(encodeSegment).join('/')}/`;
  // How a trailing dot or a lone high surrogate is written depends on what follows it in the key (`%2e` or `.`,
  // `%ud83c` or half of a pair), so the name prefix stops before them; listByPrefix filters the rest by key.
  return complete + encodeCharacters(prefix.slice(cut).replace(/[\ud800-\udbff]$/, '').replace(/\.+$/, ''));
}

/** The key a blob name stands for, or undefined for a name this encoding never produces (a probe, a stranger's blob). */
export function keyOfBlobName(name: string): string | undefined {
  const segments = name.split('/').map(decodeSegment);
  if (segments.some((segment) => segment === undefined)) return undefined;
  const key = segments.join('/');
  // Only the one spelling Rally writes: `%61` decodes to `a` but is not the blob of the key `a`.
  try {
    return blobName(key) === name ? key : undefined;
  } catch {
    return undefined;
  }
}

function encodeSegment(segment: string): string {
  if (segment === '') return EMPTY_SEGMENT;
  if (!segment.endsWith('.')) return encodeCharacters(segment);
  return `${encodeCharacters(segment.slice(0, -1))}%2e`;
}

function encodeCharacters(text: string): string {
  let encoded = '';
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdfff) {
      if (unit <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
        encoded += text.slice(index, index + 2);
        index++;
      } else {
        encoded += escapeUnit(unit);
      }
    } else {
      encoded += mustEscape(unit) ? escapeUnit(unit) : text.charAt(index);
    }
  }
  return encoded;
}

function decodeSegment(segment: string): string | undefined {
  if (segment === EMPTY_SEGMENT) return '';
  let decoded = '';
  TOKENS.lastIndex = 0;
  let end = 0;
  for (let match = TOKENS.exec(segment); match; match = TOKENS.exec(segment)) {
    const token = match[0];
    const hex = token.startsWith('%u') ? token.slice(2) : token.slice(1);
    decoded += token.length === 1 ? token : String.fromCharCode(Number.parseInt(hex, 16));
    end = TOKENS.lastIndex;
  }
  return end === segment.length ? decoded : undefined;
}

function mustEscape(unit: number): boolean {
  return unit === 0x25 || unit === 0x5c || ESCAPED_RANGES.some(([first, last]) => unit >= first && unit <= last);
}

function escapeUnit(unit: number): string {
  return unit < 0x100 ? `%${unit.toString(16).padStart(2, '0')}` : `%u${unit.toString(16).padStart(4, '0')}`;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
