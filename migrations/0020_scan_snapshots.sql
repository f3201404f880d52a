-- Scan snapshots and the two tracks of latest status.
--
-- blob_cache: file texts by git blob sha (content-addressed, shared by every repository and scan),
-- so a rescan fetches only the blobs that changed. Only files a check reads are stored.
-- tree_cache: the last recursive tree listing of each repository with its ETag, so rescanning an
-- unchanged commit costs one conditional request answered 304 (free of rate limit).
-- rule_status gains a `track`: the status of a rule in the version the repository adopted, and in
-- the latest version; both are replaced by each completed scan.

CREATE TABLE blob_cache (
  sha        text PRIMARY KEY,
  content    text NOT NULL,
  size       integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tree_cache (
  repository_id bigint PRIMARY KEY REFERENCES repositories (id),
  sha           text NOT NULL,                   -- the commit the listing was read at
  etag          text,
  entries       jsonb NOT NULL,                  -- [[path, blob sha, size], ...] (blobs only)
  truncated     boolean NOT NULL DEFAULT false,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE rule_status ADD COLUMN track text NOT NULL DEFAULT 'latest'
  CHECK (track IN ('adopted', 'latest'));
ALTER TABLE rule_status ADD COLUMN message text;
ALTER TABLE rule_status DROP CONSTRAINT rule_status_pkey;
ALTER TABLE rule_status ADD PRIMARY KEY (repository_id, rule_id, track);

ALTER TABLE scans ADD COLUMN tracks text[] NOT NULL DEFAULT '{}';  -- adopted and/or latest
CREATE INDEX scans_repository_sha_idx ON scans (repository_id, sha);
