-- API tokens may expire; the scope list is checked by the application (src/store/api-tokens.ts
-- SCOPES), so adding a scope needs no migration.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_scopes_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scopes_shape CHECK (cardinality(scopes) > 0);
