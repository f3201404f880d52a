-- API tokens: only the sha256 of the secret is stored; the token is shown once at creation.
CREATE TABLE api_tokens (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL,
  token_sha256 text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  prefix       text NOT NULL,                     -- first characters, to recognise a token in a list
  scopes       text[] NOT NULL CHECK (scopes <@ ARRAY['read', 'publish', 'admin']::text[]),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE UNIQUE INDEX api_tokens_name_live_idx ON api_tokens (name) WHERE revoked_at IS NULL;
