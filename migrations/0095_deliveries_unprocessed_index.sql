-- The outbox pass's question: what was recorded but is still not processed (never enqueued, or
-- enqueued into a Redis that lost it)? A partial index keeps it cheap however many rows are done.
CREATE INDEX webhook_deliveries_unprocessed_idx ON webhook_deliveries (received_at)
  WHERE processed_at IS NULL;
