-- enqueue_one: the common add (one plain job: no dedupe key, dependencies or group) as one autocommitted
-- statement: it records the queue's name, stores the job unless its id exists, and NOTIFYs the add's events
-- when it did, where the general path takes a transaction of six round trips.
-- $1 jsonb array of one row (as insert_jobs), $2 channel, $3 NOTIFY payloads text[].
-- Returns every column of the job if it was stored; no row when the id exists (the caller takes the general
-- path, which returns that job).
WITH registered AS (
  INSERT INTO {{schema}}.queues (name) SELECT queue FROM jsonb_to_recordset($1::jsonb) AS x(queue text)
  ON CONFLICT (name) DO NOTHING
), stored AS (
  INSERT INTO {{schema}}.jobs (queue, id, name, data, opts, state, priority, created_at, run_at, ready_at, ttl_at,
    dedupe_key, depends_on, outbox_at, group_id, traceparent, tracestate, parent)
  {{fragment:new_job_rows}}  ON CONFLICT (queue, id) DO NOTHING
  RETURNING *
), notified AS MATERIALIZED (
  SELECT pg_notify($2, payload) FROM unnest($3::text[]) AS payload WHERE EXISTS (SELECT 1 FROM stored)
)
SELECT stored.*, (SELECT count(*) FROM notified) AS notified FROM stored
