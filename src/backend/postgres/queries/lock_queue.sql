-- lock_queue: registers a queue and serialises writers that check-then-insert (dedupe) on it.
-- $1 queue. Holds a transaction-scoped advisory lock; returns the queue row, locked.
WITH registered AS (
  INSERT INTO {{schema}}.queues (name) VALUES ($1) ON CONFLICT (name) DO NOTHING
)
SELECT pg_advisory_xact_lock(hashtext('warren:' || current_schema() || ':' || $1)) AS locked
