/**
 * What a threshold's comparator means for two numbers: the one reading shared by measured rules,
 * report thresholds and numeric assertions of checks.
 */
import type { Comparator } from './schema.js';

/** Whether `x comparator y` holds (`=` is exact equality). */
export function compareNumbers(x: number, comparator: Comparator, y: number): boolean {
  switch (comparator) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '=':
      return x === y;
  }
}
