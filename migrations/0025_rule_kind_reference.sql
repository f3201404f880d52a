-- Rules of kind 'reference' (a configuration the guideline prescribes: an HPA manifest, JVM flags).
ALTER TABLE rules DROP CONSTRAINT IF EXISTS rules_kind_check;
ALTER TABLE rules ADD CONSTRAINT rules_kind_check
  CHECK (kind IN ('threshold', 'practice', 'example', 'reference'));
