/**
 * A tiny HTML builder: `html` escapes every interpolated value unless it is already `Html` (built by
 * `html` itself or `raw`), so pages cannot inject what they display.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return new Html(out);
}

export const raw = (text: string) => new Html(text);

/** Percent with one decimal: 0.8123 → "81.2%". */
export const percent = (share: number) => `${(Math.round(share * 1000) / 10).toFixed(1)}%`;

/** A table column: its name, and whether it holds numbers (right-aligned). */
export type Column = string | { readonly name: string; readonly numeric: true };
export const numeric = (name: string): Column => ({ name, numeric: true });

/** A table with a header row of column names (`scope="col"`) and the given body rows. */
export function dataTable(columns: readonly Column[], rows: readonly Html[]): Html {
  return html`<table>
    <thead>
      <tr>
        ${columns.map((c) =>
          typeof c === 'string'
            ? html`<th scope="col">${c}</th>`
            : html`<th scope="col" class="num">${c.name}</th>`,
        )}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}
