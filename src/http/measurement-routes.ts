/**
 * `POST /v1/repositories/{owner}/{repo}/measurements` (scope `report`, which a token may hold for
 * one repository only): a service's CI uploads its load-test reports; steering keeps them raw,
 * extracts the figures, decides the measured threshold rules and answers with what it measured and
 * what it could not map. A malformed report is a 422 naming the file and the line or field, and
 * nothing is stored.
 */
import express from 'express';
import { z } from 'zod';
import { REPORT_FORMATS, uploadMeasurements } from '../measurements/index.js';
import type { Db } from '../store/index.js';
import { RepoParams, registerSchemas } from './api-schemas.js';
import { defineRoute, type RouteSpec } from './define-route.js';

export const MeasurementUpload = z.object({
  sha: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/)
    .optional()
    .describe('The commit the reports measured'),
  context: z.string().max(500).optional().describe('CI run URL or id, shown as evidence'),
  serviceConfig: z
    .string()
    .max(100_000)
    .optional()
    .describe('.steering/service.yaml as the CI saw it'),
  reports: z
    .array(
      z.object({
        name: z.string().min(1).max(300).describe('File name, shown in errors and evidence'),
        content: z.string().describe('The report file, as written by the tool'),
        format: z.enum(REPORT_FORMATS).optional().describe('Default: told from the content'),
      }),
    )
    .min(1)
    .max(20),
});
export const MeasurementUploadResult = z.object({
  uploadId: z.number().int(),
  repository: z.string(),
  reports: z.array(
    z.object({
      name: z.string(),
      format: z.enum(REPORT_FORMATS),
      requests: z.number(),
      endpoints: z.number(),
    }),
  ),
  measured: z.array(
    z.object({
      ruleId: z.string(),
      value: z.number(),
      unit: z.string(),
      what: z.string(),
      status: z.enum(['pass', 'fail', 'stale']),
      message: z.string(),
    }),
  ),
  problems: z.array(
    z.object({
      ruleId: z.string(),
      problem: z.enum(['ambiguous', 'unmapped', 'missing-figure']),
      message: z.string(),
    }),
  ),
});
registerSchemas([
  [MeasurementUpload, 'MeasurementUpload'],
  [MeasurementUploadResult, 'MeasurementUploadResult'],
]);

export function measurementRoutes(deps: {
  db: Db;
  /** Largest upload body. Default '50mb'. */
  bodyLimit?: string;
  /** Days after which a figure is stale. Default 14. */
  staleAfterDays?: number;
}): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/repositories/:owner/:repo/measurements',
      operationId: 'uploadMeasurements',
      summary:
        'Upload load-test reports; the measured threshold rules are decided from their figures',
      scope: 'report',
      params: RepoParams,
      body: {
        contentTypes: ['application/json'],
        description: 'MeasurementUpload: the report files (Locust, k6, JMeter, Artillery, Gatling)',
        parse: express.json({ limit: deps.bodyLimit ?? '50mb' }),
        schema: MeasurementUpload,
      },
      responses: {
        201: {
          description: 'Stored; what was measured and what could not be mapped',
          schema: MeasurementUploadResult,
        },
        422: {
          description:
            'A report or service.yaml could not be read (file, line or field in details)',
        },
      },
      async handle({ params, token, req }) {
        const body = MeasurementUpload.parse(req.body);
        const result = await uploadMeasurements(deps.db, {
          owner: params.owner,
          repo: params.repo,
          token,
          reports: body.reports,
          ...(body.sha ? { sha: body.sha } : {}),
          ...(body.context ? { context: body.context } : {}),
          ...(body.serviceConfig !== undefined ? { serviceConfig: body.serviceConfig } : {}),
          ...(deps.staleAfterDays !== undefined ? { staleAfterDays: deps.staleAfterDays } : {}),
        });
        return { status: 201, body: result };
      },
    }),
  ];
}
