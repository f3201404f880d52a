-- The fleet: repositories steering distributes to, which version each adopted, and rollouts
-- (one per published version) with one target row per repository.

CREATE TABLE repositories (
  id              bigint PRIMARY KEY,           -- GitHub repository id (stable across renames)
  owner           text NOT NULL,
  name            text NOT NULL,
  full_name       text GENERATED ALWAYS AS (owner || '/' || name) STORED,
  default_branch  text NOT NULL DEFAULT 'main',
  archived        boolean NOT NULL DEFAULT false,
  fork            boolean NOT NULL DEFAULT false,
  topics          text[] NOT NULL DEFAULT '{}',
  installation_id bigint,
  head_sha        text,                          -- default-branch head last seen (webhook or sync)
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);
CREATE UNIQUE INDEX repositories_full_name_live_idx
  ON repositories (lower(owner), lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX repositories_installation_idx ON repositories (installation_id) WHERE deleted_at IS NULL;
CREATE INDEX repositories_topics_idx ON repositories USING gin (topics);

-- Which version of a guideline a repository merged (one row per merge; latest wins).
CREATE TABLE adoptions (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  repository_id bigint NOT NULL REFERENCES repositories (id),
  guideline_id  text NOT NULL REFERENCES guidelines (id),
  version       text NOT NULL,
  pr_number     integer,
  merge_sha     text,
  adopted_at    timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (guideline_id, version) REFERENCES guideline_versions (guideline_id, version)
);
CREATE INDEX adoptions_repo_guideline_idx ON adoptions (repository_id, guideline_id, adopted_at DESC);
CREATE INDEX adoptions_guideline_version_idx ON adoptions (guideline_id, version);

CREATE TYPE rollout_state AS ENUM ('running', 'paused', 'completed', 'cancelled');
CREATE TYPE rollout_target_state AS ENUM
  ('queued', 'opened', 'updated', 'up-to-date', 'blocked', 'failed', 'merged', 'closed');

CREATE TABLE rollouts (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  guideline_id text NOT NULL REFERENCES guidelines (id),
  version      text NOT NULL,
  state        rollout_state NOT NULL DEFAULT 'running',
  current_wave integer NOT NULL DEFAULT 0,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  FOREIGN KEY (guideline_id, version) REFERENCES guideline_versions (guideline_id, version)
);
CREATE INDEX rollouts_guideline_idx ON rollouts (guideline_id, created_at DESC);

CREATE TABLE rollout_targets (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rollout_id    bigint NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
  repository_id bigint NOT NULL REFERENCES repositories (id),
  wave          integer NOT NULL DEFAULT 0,    -- 0 = canary
  state         rollout_target_state NOT NULL DEFAULT 'queued',
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text,
  pr_number     integer,
  branch_sha    text,                            -- head of steering/<guideline> after our last write
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  enqueued_at   timestamptz,
  started_at    timestamptz,
  finished_at   timestamptz,
  UNIQUE (rollout_id, repository_id)
);
CREATE INDEX rollout_targets_state_idx ON rollout_targets (rollout_id, state);
CREATE INDEX rollout_targets_wave_idx ON rollout_targets (rollout_id, wave, state);
CREATE INDEX rollout_targets_repository_idx ON rollout_targets (repository_id);
