/** The numeric comparators shared by json-yaml-path assertions and report thresholds. */
export type NumericComparator = '<' | '<=' | '>' | '>=' | '=';

export function compareNumbers(x: number, comparator: NumericComparator, y: number): boolean {
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
