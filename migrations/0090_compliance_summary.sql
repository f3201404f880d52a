-- The fleet summary's read model: one row per repository, guideline and track with what the
-- summary needs from rule_status: how many rules, how many fail (status fail or error) and how
-- many of those are MUST rules, and the failing ones as `level|status|version|rule id` keys
-- (one text per rule, so a read groups or overlaps them without unpacking). Triggers on rule_status keep it in the transaction that writes rule_status (a
-- scan's result, a measurement), whoever writes it, so it can never disagree with rule_status.
-- Nothing here depends on the clock or on waivers: waivers (exempt) and due dates (overdue) are
-- applied when the summary is read, so a grant, a revoke or an expiry needs no refresh.

CREATE TABLE compliance_summary (
  repository_id    bigint NOT NULL REFERENCES repositories (id),
  guideline_id     text NOT NULL REFERENCES guidelines (id),
  track            text NOT NULL,
  rules            integer NOT NULL,
  failing_count    integer NOT NULL,
  must_failing     integer NOT NULL,
  failing          text[] NOT NULL,     -- 'MUST|fail|2.0.0|perf.api.health-checks', by rule id
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (guideline_id, track, repository_id)
);
CREATE INDEX compliance_summary_repository_idx ON compliance_summary (repository_id);

-- Recompute the summary of the given (repository, guideline, track) keys from rule_status.
CREATE FUNCTION refresh_compliance_summary(keys jsonb) RETURNS void LANGUAGE sql AS $$
  WITH k AS (
    SELECT DISTINCT x.repository_id, x.guideline_id, x.track
    FROM jsonb_to_recordset(keys) AS x(repository_id bigint, guideline_id text, track text)
  ), gone AS (
    DELETE FROM compliance_summary cs USING k
    WHERE cs.repository_id = k.repository_id AND cs.guideline_id = k.guideline_id
      AND cs.track = k.track AND NOT EXISTS (SELECT 1 FROM rule_status rs
        WHERE rs.repository_id = k.repository_id AND rs.guideline_id = k.guideline_id
          AND rs.track = k.track)
  )
  INSERT INTO compliance_summary AS cs (repository_id, guideline_id, track, rules, failing_count,
    must_failing, failing)
  SELECT rs.repository_id, rs.guideline_id, rs.track, count(*)::int,
    count(*) FILTER (WHERE rs.status IN ('fail', 'error'))::int,
    count(*) FILTER (WHERE rs.status IN ('fail', 'error') AND rs.level = 'MUST')::int,
    coalesce(array_agg(concat_ws('|', rs.level, rs.status, rs.version, rs.rule_id) ORDER BY rs.rule_id)
      FILTER (WHERE rs.status IN ('fail', 'error')), '{}')
  FROM k JOIN rule_status rs ON rs.repository_id = k.repository_id
    AND rs.guideline_id = k.guideline_id AND rs.track = k.track
  GROUP BY rs.repository_id, rs.guideline_id, rs.track
  ON CONFLICT (guideline_id, track, repository_id) DO UPDATE SET rules = excluded.rules,
    failing_count = excluded.failing_count, must_failing = excluded.must_failing,
    failing = excluded.failing, updated_at = now()
$$;

-- One statement-level trigger per event (transition tables allow one event each): the keys a
-- statement touched, old and new, are recomputed once per statement.
CREATE FUNCTION rule_status_summary_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  keys jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT jsonb_agg(DISTINCT jsonb_build_object('repository_id', repository_id,
      'guideline_id', guideline_id, 'track', track)) INTO keys FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT jsonb_agg(DISTINCT jsonb_build_object('repository_id', repository_id,
      'guideline_id', guideline_id, 'track', track)) INTO keys FROM old_rows;
  ELSE
    SELECT jsonb_agg(DISTINCT jsonb_build_object('repository_id', repository_id,
      'guideline_id', guideline_id, 'track', track)) INTO keys
    FROM (SELECT repository_id, guideline_id, track FROM new_rows
          UNION SELECT repository_id, guideline_id, track FROM old_rows) t;
  END IF;
  IF keys IS NOT NULL THEN
    PERFORM refresh_compliance_summary(keys);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER rule_status_summary_insert AFTER INSERT ON rule_status
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rule_status_summary_trigger();
CREATE TRIGGER rule_status_summary_update AFTER UPDATE ON rule_status
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rule_status_summary_trigger();
CREATE TRIGGER rule_status_summary_delete AFTER DELETE ON rule_status
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rule_status_summary_trigger();

-- What is already recorded.
SELECT refresh_compliance_summary(coalesce(jsonb_agg(k), '[]'::jsonb))
FROM (SELECT DISTINCT repository_id, guideline_id, track FROM rule_status) k;
