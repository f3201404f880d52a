/**
 * Where JSON text stops being JSON: a small validating scanner that returns the 1-based line and
 * column of the first offending character (JSON.parse's message rarely says where). Only called
 * after JSON.parse failed, so speed does not matter.
 */
import { indexLines } from '../guidelines/index.js';

/** Thrown inside the scanner at the first offending character; never leaves this module. */
class NotJson extends Error {}

class JsonScanner {
  i = 0;
  constructor(private readonly text: string) {}

  private fail(): never {
    throw new NotJson();
  }

  private ws(): void {
    while (this.i < this.text.length && ' \t\r\n'.includes(this.text[this.i]!)) this.i++;
  }

  /** Consumes `c` if it is next; otherwise nothing. */
  private eat(c: string): boolean {
    if (this.text[this.i] !== c) return false;
    this.i++;
    return true;
  }

  private literal(word: string): void {
    if (this.text.startsWith(word, this.i)) this.i += word.length;
    else this.fail();
  }

  private string(): void {
    const { text } = this;
    if (!this.eat('"')) this.fail();
    while (this.i < text.length && text[this.i] !== '"') {
      if (text[this.i] === '\\') this.i++;
      else if (text.charCodeAt(this.i) < 0x20) this.fail();
      this.i++;
    }
    if (this.i >= text.length) this.fail();
    this.i++;
  }

  private number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i, this.i + 64));
    if (!m) this.fail();
    this.i += m[0].length;
  }

  /** `{` or `[` already consumed: members (an object's `"key": value`) up to the closing bracket. */
  private members(close: '}' | ']'): void {
    this.ws();
    if (this.eat(close)) return;
    for (;;) {
      if (close === '}') {
        this.ws();
        this.string();
        this.ws();
        if (!this.eat(':')) this.fail();
      }
      this.value();
      this.ws();
      if (this.eat(',')) continue;
      if (this.eat(close)) return;
      this.fail();
    }
  }

  value(): void {
    this.ws();
    const c = this.text[this.i];
    if (this.eat('{')) this.members('}');
    else if (this.eat('[')) this.members(']');
    else if (c === '"') this.string();
    else if (c === 't') this.literal('true');
    else if (c === 'f') this.literal('false');
    else if (c === 'n') this.literal('null');
    else this.number();
  }

  document(): void {
    this.value();
    this.ws();
    if (this.i < this.text.length) this.fail();
  }
}

export function locateJsonError(text: string): { line: number; column: number } {
  const scanner = new JsonScanner(text);
  try {
    scanner.document();
  } catch (err) {
    if (!(err instanceof NotJson)) throw err;
  }
  return indexLines(text).at(scanner.i);
}
