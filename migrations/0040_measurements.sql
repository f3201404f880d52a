-- Measured compliance: load-test reports uploaded by a service's CI, figures per rule (from reports
-- and from Prometheus), each repository's service config, and the `report` token scope.
--
-- measurement_uploads / measurement_reports: one upload (one CI run) holds one or more raw reports
-- with the figures read from them; nothing of an upload is stored unless all its files parse.
-- measured_values: one figure per rule and measurement; the newest per (repository, rule) decides.
-- prometheus_health: the last evaluation of a repository's Prometheus; an outage after a figure
-- makes that figure stale (never failed).
-- finding_status gains `stale`: a measured rule whose newest figure is too old, or whose source is
-- down.

ALTER TYPE finding_status ADD VALUE IF NOT EXISTS 'stale';

CREATE TABLE measurement_uploads (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  repository_id bigint NOT NULL REFERENCES repositories (id),
  sha           text,
  context       text,                            -- CI run URL or id, as the uploader gave it
  uploaded_by   text NOT NULL,                   -- token name
  problems      jsonb NOT NULL DEFAULT '[]'::jsonb,  -- mapping problems (ambiguous, unmapped)
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX measurement_uploads_repository_idx ON measurement_uploads (repository_id, created_at DESC);

CREATE TABLE measurement_reports (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  upload_id bigint NOT NULL REFERENCES measurement_uploads (id) ON DELETE CASCADE,
  name      text NOT NULL,
  format    text NOT NULL,
  raw       text NOT NULL,
  figures   jsonb NOT NULL
);
CREATE INDEX measurement_reports_upload_idx ON measurement_reports (upload_id);

CREATE TABLE measured_values (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  repository_id bigint NOT NULL REFERENCES repositories (id),
  rule_id       text NOT NULL,
  value         double precision NOT NULL,
  unit          text NOT NULL,
  source        text NOT NULL CHECK (source IN ('report', 'prometheus')),
  what          text NOT NULL,                   -- report field or PromQL query
  origin        text NOT NULL,                   -- report file or Prometheus URL
  time_window   text NOT NULL,
  context       text,
  measured_at   timestamptz NOT NULL,
  upload_id     bigint REFERENCES measurement_uploads (id) ON DELETE CASCADE
);
CREATE INDEX measured_values_latest_idx ON measured_values (repository_id, rule_id, measured_at DESC);

CREATE TABLE service_configs (
  repository_id bigint PRIMARY KEY REFERENCES repositories (id),
  source        text NOT NULL,                   -- .steering/service.yaml as last seen
  sha           text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE prometheus_health (
  repository_id bigint PRIMARY KEY REFERENCES repositories (id),
  url           text NOT NULL,
  last_ok_at    timestamptz,
  last_error_at timestamptz,
  last_error    text
);

-- The `report` scope (and `waive`, which another change adds) and, for a report token, the one
-- repository it may upload for.
ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_scopes_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scopes_check
  CHECK (scopes <@ ARRAY['read', 'publish', 'admin', 'report', 'waive']::text[]);
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS repository text;  -- owner/name, lower case; null: any
