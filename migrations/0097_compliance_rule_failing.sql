-- Per-rule failing counts beside compliance_summary, so the fleet summary's "top failing rules"
-- reads one small row per rule instead of unpacking every repository's failing keys: for each
-- guideline, track and failing key (`level|status|version|rule id`, as in compliance_summary) how
-- many summary rows list it. Statement triggers on compliance_summary apply each statement's
-- difference in the same transaction, so the counts never disagree with the summary rows (and
-- through them with rule_status). Like the summary rows they count every repository, deleted ones
-- included, and ignore waivers and due dates: the read subtracts the few deleted repositories'
-- and waived rows. A count that falls to 0 keeps its row (keys are bounded by the rules).

CREATE TABLE compliance_rule_failing (
  guideline_id  text NOT NULL REFERENCES guidelines (id),
  track         text NOT NULL,
  key           text NOT NULL,
  repositories  integer NOT NULL,
  PRIMARY KEY (guideline_id, track, key)
);

-- One function for the three events. A transaction changes counter rows in several statements
-- (a rescan deletes and inserts rule_status, then measured statuses update it), each touching its
-- own keys, so two scans could each hold a key the other waits for. The first change therefore
-- takes one transaction-scoped advisory lock (keyed by schema): writers of counts queue for the
-- few milliseconds from their first rule_status write to commit instead of deadlocking.
CREATE FUNCTION compliance_rule_failing_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('steering:compliance_rule_failing:' || current_schema()));
  IF TG_OP = 'INSERT' THEN
    INSERT INTO compliance_rule_failing AS c (guideline_id, track, key, repositories)
    SELECT n.guideline_id, n.track, k.key, count(*)::int
    FROM new_rows n CROSS JOIN LATERAL unnest(n.failing) k(key)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (guideline_id, track, key)
      DO UPDATE SET repositories = c.repositories + excluded.repositories;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO compliance_rule_failing AS c (guideline_id, track, key, repositories)
    SELECT o.guideline_id, o.track, k.key, -count(*)::int
    FROM old_rows o CROSS JOIN LATERAL unnest(o.failing) k(key)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (guideline_id, track, key)
      DO UPDATE SET repositories = c.repositories + excluded.repositories;
  ELSE
    INSERT INTO compliance_rule_failing AS c (guideline_id, track, key, repositories)
    SELECT guideline_id, track, key, sum(n)::int FROM (
        SELECT n.guideline_id, n.track, k.key, 1 AS n
        FROM new_rows n CROSS JOIN LATERAL unnest(n.failing) k(key)
        UNION ALL
        SELECT o.guideline_id, o.track, k.key, -1
        FROM old_rows o CROSS JOIN LATERAL unnest(o.failing) k(key)) d
    GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (guideline_id, track, key)
      DO UPDATE SET repositories = c.repositories + excluded.repositories;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER compliance_rule_failing_insert AFTER INSERT ON compliance_summary
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION compliance_rule_failing_trigger();
CREATE TRIGGER compliance_rule_failing_update AFTER UPDATE ON compliance_summary
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION compliance_rule_failing_trigger();
CREATE TRIGGER compliance_rule_failing_delete AFTER DELETE ON compliance_summary
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION compliance_rule_failing_trigger();

-- What the summary rows already hold.
INSERT INTO compliance_rule_failing (guideline_id, track, key, repositories)
SELECT cs.guideline_id, cs.track, k.key, count(*)::int
FROM compliance_summary cs CROSS JOIN LATERAL unnest(cs.failing) k(key)
GROUP BY 1, 2, 3;
