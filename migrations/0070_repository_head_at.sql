-- When the default-branch head last seen was pushed (or merged): webhooks arrive late and out of
-- order, and a delivery older than the head already seen must not move the head back.
ALTER TABLE repositories ADD COLUMN head_at timestamptz;
