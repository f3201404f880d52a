/**
 * One measured figure for one rule, whichever source produced it: the shape the store keeps, so a
 * figure read from a report or a query is stored as it is.
 */
import type { MeasuredValueInput } from '../store/index.js';

export type Measurement = MeasuredValueInput;
