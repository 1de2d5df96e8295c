// Item ids are keys people compare by eye and systems join on: an invisible or
// direction-changing character would make two different ids look the same (or
// an id look like another, "SKU-1\u202E9-" shows as "SKU-1-9"). Such ids are
// refused in every import; item names may keep them (the screens isolate them).

/** Zero-width, invisible format and bidi control characters, with their Unicode names. */
const INVISIBLE: Record<number, string> = {
  0x00ad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};
const FIND = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** Why `itemId` cannot be an item id, naming the first such character and where it is; null when it can. */
export function itemIdProblem(itemId: string): string | null {
  const found = FIND.exec(itemId);
  if (!found) return null;
  const ch = found[0];
  const code = ch.codePointAt(0)!;
  const kind = BIDI.test(ch) ? 'an invisible text-direction control' : 'an invisible character';
  const at = [...itemId.slice(0, found.index)].length + 1;
  return `item id has U+${code.toString(16).toUpperCase().padStart(4, '0')} ${INVISIBLE[code]} (${kind}) at character ${at}: item ids may not hold invisible or direction characters; remove it`;
}
