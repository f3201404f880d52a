-- Guidelines, their published versions and the rules of each version.
-- A version is immutable once stored; `guidelines.latest_version` is a cache kept in the same
-- transaction that inserts a version (the publish path locks the guideline row first).

CREATE TABLE guidelines (
  id             text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]*$'),
  title          text NOT NULL,
  owners         jsonb NOT NULL DEFAULT '[]'::jsonb,
  applies_to     jsonb,
  latest_version text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE guideline_versions (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  guideline_id     text NOT NULL REFERENCES guidelines (id),
  version          text NOT NULL CHECK (version ~ '^\d+\.\d+\.\d+$'),
  major            integer NOT NULL,
  minor            integer NOT NULL,
  patch            integer NOT NULL,
  title            text NOT NULL,
  owners           jsonb NOT NULL DEFAULT '[]'::jsonb,
  applies_to       jsonb,
  source           text NOT NULL,
  source_sha256    text NOT NULL,
  rules            jsonb NOT NULL,
  rule_count       integer NOT NULL,
  changelog        jsonb NOT NULL,
  bump             text NOT NULL CHECK (bump IN ('major', 'minor', 'patch', 'none')),
  previous_version text,
  publisher        text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (guideline_id, version),
  UNIQUE (guideline_id, major, minor, patch)
);

-- One row per rule per version, so a rule is queryable by id across versions.
CREATE TABLE rules (
  guideline_version_id bigint NOT NULL REFERENCES guideline_versions (id) ON DELETE CASCADE,
  guideline_id         text NOT NULL,
  version              text NOT NULL,
  rule_id              text NOT NULL,
  level                text NOT NULL CHECK (level IN ('MUST', 'SHOULD', 'MAY')),
  kind                 text NOT NULL CHECK (kind IN ('threshold', 'practice', 'example')),
  hash                 text NOT NULL,
  rule                 jsonb NOT NULL,
  PRIMARY KEY (guideline_version_id, rule_id)
);
CREATE INDEX rules_rule_id_idx ON rules (rule_id, guideline_version_id DESC);
CREATE INDEX rules_guideline_level_idx ON rules (guideline_id, level);
