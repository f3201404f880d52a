-- Fleet compliance: waivers for a repository, a topic or the whole fleet (rule id or pattern,
-- owner, required expiry, where the waiver came from), the audit log of every write, due dates
-- per guideline version and rule, daily compliance snapshots, and dashboard sessions.

ALTER TABLE waivers ALTER COLUMN repository_id DROP NOT NULL;
ALTER TABLE waivers ADD COLUMN scope text NOT NULL DEFAULT 'repository'
  CHECK (scope IN ('repository', 'topic', 'fleet'));
ALTER TABLE waivers ADD COLUMN topic text;
ALTER TABLE waivers ADD COLUMN owner text;
-- api (POST /v1/waivers), cli (steering waiver grant), file (.steering/waivers.yaml)
ALTER TABLE waivers ADD COLUMN source text NOT NULL DEFAULT 'api'
  CHECK (source IN ('api', 'cli', 'file'));
ALTER TABLE waivers ADD COLUMN source_ref text;     -- file: path@sha of the commit it came from
ALTER TABLE waivers ADD COLUMN revoked_by text;
-- The rule id or a pattern (`*` any characters) as a LIKE pattern, so SQL can match it.
ALTER TABLE waivers ADD COLUMN rule_like text;
UPDATE waivers SET rule_like = replace(replace(replace(rule_id, '\', '\\'), '%', '\%'), '_', '\_')
  WHERE rule_like IS NULL;
ALTER TABLE waivers ALTER COLUMN rule_like SET NOT NULL;
ALTER TABLE waivers ADD CONSTRAINT waivers_target_check CHECK (
  (scope = 'repository' AND repository_id IS NOT NULL) OR
  (scope = 'topic' AND topic IS NOT NULL) OR
  (scope = 'fleet'));
CREATE INDEX waivers_live_idx ON waivers (expires_at) WHERE revoked_at IS NULL;

CREATE TABLE audit_log (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  actor    text NOT NULL,                        -- token:<name>, cli:<user>, repo:<owner/name>
  action   text NOT NULL,                        -- publish, token.create, waiver.grant, ...
  subject  text NOT NULL,
  details  jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC);

-- When a failing MUST rule of a version starts to count as overdue: the publish time of the
-- version that added or tightened it plus the version's grace period (frontmatter `grace`).
CREATE TABLE rule_deadlines (
  guideline_id text NOT NULL REFERENCES guidelines (id),
  version      text NOT NULL,
  rule_id      text NOT NULL,
  introduced   text NOT NULL,                     -- the version that added or tightened it
  due_at       timestamptz NOT NULL,
  PRIMARY KEY (guideline_id, version, rule_id)
);
CREATE TABLE rule_deadlines_state (
  guideline_id   text PRIMARY KEY REFERENCES guidelines (id),
  latest_version text NOT NULL
);

-- One row per day, guideline and rule (latest track): the fleet's counts that day.
CREATE TABLE compliance_daily (
  day          date NOT NULL,
  guideline_id text NOT NULL,
  rule_id      text NOT NULL,
  level        text NOT NULL,
  pass         integer NOT NULL DEFAULT 0,
  fail         integer NOT NULL DEFAULT 0,
  exempt       integer NOT NULL DEFAULT 0,
  other        integer NOT NULL DEFAULT 0,
  overdue      integer NOT NULL DEFAULT 0,
  taken_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (guideline_id, day, rule_id)
);

-- Dashboard sessions: the cookie holds a random id; only its sha256 is stored.
CREATE TABLE web_sessions (
  id_sha256  text PRIMARY KEY,
  token_id   bigint NOT NULL REFERENCES api_tokens (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- Scope `waive` (grant and revoke waivers); `report` is listed too so either order of migrations
-- keeps the other stream's scope.
ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_scopes_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scopes_check
  CHECK (scopes <@ ARRAY['read', 'publish', 'admin', 'report', 'waive']::text[]);

-- Fleet queries: the latest status of a guideline per track, and a repository's rows.
CREATE INDEX rule_status_track_guideline_idx ON rule_status (guideline_id, track, rule_id, status);

-- Since when a rule has had its current status (kept across scans while the status holds).
ALTER TABLE rule_status ADD COLUMN since timestamptz;
UPDATE rule_status SET since = updated_at WHERE since IS NULL;
CREATE INDEX repositories_full_name_idx ON repositories (full_name, id) WHERE deleted_at IS NULL;

-- The rollout pull request's body as steering last wrote it after a scan (sha256), so a rescan
-- that changes nothing for the repository writes nothing to GitHub.
ALTER TABLE rollout_targets ADD COLUMN body_sha256 text;
