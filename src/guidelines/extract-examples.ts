/**
 * GOOD/BAD markers inside code blocks:
 *
 *   -- BAD: Avoid SELECT *          # GOOD: Single query with join        // DON'T: block the loop
 *
 * A marker is a comment (--, #, //, /*, ;, <!--) whose first word is one of the verdict words below,
 * followed by a colon. The code that follows it, up to the next marker, is the example.
 * SLOW/FAST are read as BAD/GOOD. Unmarked code blocks are illustrations, not rules.
 */
export interface MarkedExample {
  verdict: 'good' | 'bad';
  marker: string;
  label: string;
  code: string;
  /** 0-based line inside the code block, and 0-based column of the comment. */
  line: number;
  column: number;
  pinnedId?: string;
}

const VERDICTS: Record<string, 'good' | 'bad'> = {
  GOOD: 'good',
  BETTER: 'good',
  CORRECT: 'good',
  RIGHT: 'good',
  DO: 'good',
  PREFER: 'good',
  PREFERRED: 'good',
  FAST: 'good',
  BAD: 'bad',
  WRONG: 'bad',
  INCORRECT: 'bad',
  AVOID: 'bad',
  "DON'T": 'bad',
  DONT: 'bad',
  'DO NOT': 'bad',
  NEVER: 'bad',
  SLOW: 'bad',
};

const MARKER =
  /^(\s*)(--|#|\/\/|\/\*|;|<!--)\s*(GOOD|BETTER|CORRECT|RIGHT|DO NOT|DON'T|DONT|DO|PREFERRED|PREFER|FAST|BAD|WRONG|INCORRECT|AVOID|NEVER|SLOW)\s*(?:\(([^)]*)\))?\s*:\s*(.*?)\s*(?:\*\/|-->)?\s*$/;
const PINNED = /<!--\s*steering-id:\s*([^\s>]+)\s*-->|\[steering-id:\s*([^\]\s]+)\s*\]/;

export function extractExamples(code: string): MarkedExample[] {
  const lines = code.split(/\r?\n/);
  const found: MarkedExample[] = [];
  let current: MarkedExample | undefined;
  let body: string[] = [];
  const flush = () => {
    if (!current) return;
    while (body.length && body[body.length - 1]!.trim() === '') body.pop();
    current.code = body.join('\n');
    found.push(current);
  };
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (m) {
      flush();
      let label = m[5]!;
      let pinnedId: string | undefined;
      const pin = PINNED.exec(label);
      if (pin) {
        pinnedId = pin[1] ?? pin[2];
        label = label.replace(PINNED, '').trim();
      }
      current = {
        verdict: VERDICTS[m[3]!]!,
        marker: m[3]!,
        label,
        code: '',
        line: i,
        column: m[1]!.length,
        ...(pinnedId ? { pinnedId } : {}),
      };
      body = [];
    } else if (current) {
      body.push(line);
    }
  });
  flush();
  return found;
}
