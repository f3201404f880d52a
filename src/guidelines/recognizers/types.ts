/**
 * What a recognizer returns. A recognizer is a pure function over the document model that proposes
 * rule candidates, each with the evidence it used, and may reject normative-looking text with a
 * reason (lint explains those). The resolver decides between proposals for the same text.
 */
import type { DocumentModel } from '../model/document-model.js';
import type { ParsedThreshold } from '../parse-threshold.js';
import type { Example, Level, Reference } from '../schema.js';

export interface Candidate {
  kind: 'threshold' | 'practice' | 'example' | 'reference';
  statement: string;
  section: string[];
  subject?: string;
  threshold?: ParsedThreshold & {
    subject: string;
    text: string;
    aggregateFromSection?: string;
    fromCode?: boolean;
  };
  examples?: Example[];
  reference?: Reference;
  /** A level fixed by the context (a DO/DON'T list, an example marker, a lead-in). */
  level?: { level: Level; source: string };
  line: number;
  column: number;
  pinnedId?: string;
  /** An id the author wrote (anchor, requirement number): used as the rule id. */
  authorId?: string;
  /** Slug to build the id from instead of the statement (reference captions). */
  idSlug?: string;
  /** Id without section labels: `<guideline>.<idSlug>`. */
  flatId?: boolean;
}

export interface Proposal extends Candidate {
  /** The recognizer that proposed it. */
  recognizer: string;
  /** What it saw: "bullet 'Subject: < 50ms'", "row 3 of a requirement table"… */
  evidence: string;
  /** The text it covers: one proposal per key survives (block index, then row/sentence/marker). */
  key: string;
  /** Higher wins when two recognizers propose the same key. */
  priority: number;
  /** Further keys the proposal covers (an introducing sentence merged into a reference). */
  alsoCovers?: string[];
  /** Key of a rule these examples belong to (a heading rule): merged into it when it is kept. */
  attachTo?: string;
}

export interface Rejection {
  line: number;
  column: number;
  recognizer: string;
  text: string;
  why: string;
  /** A warning in lint (normative-looking); otherwise only shown by `lint --explain`. */
  warn: boolean;
  /** Diagnostic code of the warning (default `not-a-rule`). */
  code?: string;
  key?: string;
}

export interface Recognized {
  proposals: Proposal[];
  rejections: Rejection[];
}

export interface Recognizer {
  name: string;
  recognize(model: DocumentModel): Recognized;
}
