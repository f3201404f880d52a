-- Webhook deliveries (the outbox), scans, findings, the latest status per repository and rule,
-- and waivers.

CREATE TABLE webhook_deliveries (
  delivery_id   text PRIMARY KEY,               -- X-GitHub-Delivery
  event         text NOT NULL,
  action        text,
  repository_id bigint,
  payload       jsonb NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  enqueued_at   timestamptz,
  processed_at  timestamptz,
  error         text
);
-- The reconcile job's question: what was recorded but never enqueued?
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (received_at)
  WHERE enqueued_at IS NULL;

CREATE TYPE scan_state AS ENUM ('queued', 'running', 'completed', 'failed');
CREATE TYPE finding_status AS ENUM
  ('pass', 'fail', 'not-applicable', 'unchecked', 'exempt', 'error');

CREATE TABLE scans (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  repository_id bigint NOT NULL REFERENCES repositories (id),
  sha           text NOT NULL,
  guideline_id  text NOT NULL REFERENCES guidelines (id),
  version       text NOT NULL,
  state         scan_state NOT NULL DEFAULT 'queued',
  trigger       text,                            -- push, merge, rerequest, reconcile, manual
  delivery_id   text REFERENCES webhook_deliveries (delivery_id),
  check_run_id  bigint,
  summary       jsonb,                           -- counts per status
  error         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz,
  UNIQUE (repository_id, sha, guideline_id, version),
  FOREIGN KEY (guideline_id, version) REFERENCES guideline_versions (guideline_id, version)
);
CREATE INDEX scans_repository_idx ON scans (repository_id, created_at DESC);

CREATE TABLE findings (
  scan_id  bigint NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  rule_id  text NOT NULL,
  status   finding_status NOT NULL,
  level    text NOT NULL CHECK (level IN ('MUST', 'SHOULD', 'MAY')),
  message  text,
  evidence jsonb NOT NULL DEFAULT '[]'::jsonb,  -- [{ path, line, snippet }]
  PRIMARY KEY (scan_id, rule_id)
);
CREATE INDEX findings_rule_status_idx ON findings (rule_id, status);

-- The latest status per repository and rule (replaced by each completed scan, in its transaction).
CREATE TABLE rule_status (
  repository_id bigint NOT NULL REFERENCES repositories (id),
  guideline_id  text NOT NULL REFERENCES guidelines (id),
  rule_id       text NOT NULL,
  version       text NOT NULL,
  status        finding_status NOT NULL,
  level         text NOT NULL CHECK (level IN ('MUST', 'SHOULD', 'MAY')),
  scan_id       bigint NOT NULL REFERENCES scans (id),
  sha           text NOT NULL,
  evidence      jsonb NOT NULL DEFAULT '[]'::jsonb,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (repository_id, rule_id)
);
-- Compliance API: "who fails rule X", "how does guideline G stand across the fleet".
CREATE INDEX rule_status_rule_idx ON rule_status (rule_id, status);
CREATE INDEX rule_status_guideline_idx ON rule_status (guideline_id, status, level);

CREATE TABLE waivers (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  repository_id bigint NOT NULL REFERENCES repositories (id),
  rule_id       text NOT NULL,
  reason        text NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX waivers_active_idx ON waivers (repository_id, rule_id) WHERE revoked_at IS NULL;
