/**
 * Text that was UTF-8, decoded as Latin-1 and saved as UTF-8 again ("O(nÂ²)" for "O(n²)") is valid
 * UTF-8, so only its shape gives it away: Â or Ã followed by a character from U+0080–U+00BF.
 * The compiler warns where it sees one and repairs the rule statements it extracts; the source and
 * code examples are kept as written.
 */
const MOJIBAKE = /[\u00c2\u00c3][\u0080-\u00bf]/g;
const utf8 = new TextDecoder('utf-8');

export function repairMojibake(text: string): string {
  return text.replace(MOJIBAKE, (pair) =>
    utf8.decode(Uint8Array.from(pair, (ch) => ch.charCodeAt(0))),
  );
}

export interface MojibakeHit {
  offset: number;
  found: string;
  meant: string;
}

export function findMojibake(text: string): MojibakeHit[] {
  const hits: MojibakeHit[] = [];
  for (const m of text.matchAll(MOJIBAKE)) {
    hits.push({ offset: m.index, found: m[0], meant: repairMojibake(m[0]) });
  }
  return hits;
}
