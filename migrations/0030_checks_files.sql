-- Checks files stored with the guideline version they belong to, content-addressed: a checks text
-- is stored once by its sha256, and each version points at the text it was published with. A scan
-- of a version uses that version's checks, not whatever file the server has on disk.
CREATE TABLE checks_files (
  sha256       text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  guideline_id text NOT NULL REFERENCES guidelines (id),
  text         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE guideline_version_checks (
  guideline_version_id bigint PRIMARY KEY REFERENCES guideline_versions (id) ON DELETE CASCADE,
  guideline_id         text NOT NULL,
  version              text NOT NULL,
  checks_sha256        text NOT NULL REFERENCES checks_files (sha256),
  UNIQUE (guideline_id, version)
);
