/** A plain text table for terminals: columns padded to their widest cell, long cells cut with "…". */
export function formatTable(headers: string[], rows: string[][], maxWidths: number[] = []): string {
  const cut = (s: string, i: number) => {
    const max = maxWidths[i];
    return max && s.length > max ? `${s.slice(0, max - 1)}…` : s;
  };
  const cells = [headers, ...rows].map((r) => r.map(cut));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(cells[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.slice(1).map(line),
  ].join('\n');
}
