/**
 * Every writing style the compiler reads, one pure module each. Adding a style is adding a file
 * here (and its golden fixtures); the resolver decides between overlapping proposals by priority.
 */
import { codeMarkers } from './code-markers.js';
import { codeThresholds } from './code-thresholds.js';
import { headingRules } from './heading-rules.js';
import { keywordSentences } from './keyword-sentences.js';
import { labelledExamples } from './labelled-examples.js';
import { listItems } from './list-items.js';
import { markedRules } from './marked-rules.js';
import { recommendationSections } from './recommendation-sections.js';
import { referenceConfigs } from './reference-configs.js';
import { requirementTables } from './requirement-tables.js';
import { targetTables } from './target-tables.js';
import type { Recognizer } from './types.js';

export const RECOGNIZERS: readonly Recognizer[] = [
  headingRules,
  keywordSentences,
  listItems,
  markedRules,
  requirementTables,
  targetTables,
  codeMarkers,
  codeThresholds,
  labelledExamples,
  referenceConfigs,
  recommendationSections,
];

export type { Candidate, Proposal, Recognized, Recognizer, Rejection } from './types.js';
