/**
 * The one offset → line:column conversion of the guideline compiler. The line starts are found
 * once per text (one pass); each lookup is a binary search over them, so positioning n sentences
 * of a document costs O(n log lines), never a slice or split of the text per sentence.
 */

export interface LineIndex {
  /** Offset where each line starts; `starts[0]` is 0. */
  readonly starts: readonly number[];
  /** 1-based line and column of a text offset (offsets past the end fall on the last line). */
  at(offset: number): { line: number; column: number };
  /** 1-based line of a text offset. */
  lineOf(offset: number): number;
}

export function indexLines(text: string): LineIndex {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return {
    starts,
    lineOf,
    at(offset) {
      const line = lineOf(offset);
      return { line, column: offset - starts[line - 1]! + 1 };
    },
  };
}
