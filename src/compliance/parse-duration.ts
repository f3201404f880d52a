/** Durations as the guideline frontmatter and waiver files write them: `30d`, `2w`, `12h`, `90m`. */
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds, or null when the text is not `<number><m|h|d|w>`. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(m|h|d|w)\s*$/i.exec(text);
  if (!m) return null;
  return Math.round(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
}

export const DAY_MS = 86_400_000;
