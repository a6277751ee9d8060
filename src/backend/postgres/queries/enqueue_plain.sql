-- enqueue_plain: the common add (plain jobs: no dedupe key, dependencies or group; one job or a batch) as one
-- autocommitted statement: it records the queues' names, stores the jobs unless one of their ids exists, and
-- NOTIFYs their events when every job was stored, where the general path takes a transaction of six round trips.
-- $1 jsonb array of rows (as insert_jobs), $2 channel, $3 NOTIFY payloads as a json array of strings.
-- Returns every column of each job stored: all of them; none when an id existed (the caller takes the general
-- path, which returns that job); a part only when a concurrent add of the same id came between the check and the
-- insert (the caller announces the stored ones itself and takes the general path for the rest).
WITH registered AS (
  INSERT INTO {{schema}}.queues (name)
  SELECT DISTINCT queue FROM jsonb_to_recordset($1::jsonb) AS x(queue text)
  ON CONFLICT (name) DO NOTHING
), taken AS MATERIALIZED (
  SELECT 1 FROM jsonb_to_recordset($1::jsonb) AS x(queue text, id text)
  WHERE EXISTS (SELECT 1 FROM {{schema}}.jobs AS j WHERE j.queue = x.queue AND j.id = x.id)
  LIMIT 1
), stored AS (
  INSERT INTO {{schema}}.jobs (queue, id, name, data, opts, state, priority, created_at, run_at, ready_at, ttl_at,
    dedupe_key, depends_on, outbox_at, group_id, traceparent, tracestate, parent)
  SELECT * FROM ({{fragment:new_job_rows}}) AS fresh WHERE NOT EXISTS (SELECT 1 FROM taken)
  ON CONFLICT (queue, id) DO NOTHING
  RETURNING *
), notified AS MATERIALIZED (
  SELECT pg_notify($2, payload) FROM json_array_elements_text($3::json) AS payload
  WHERE (SELECT count(*) FROM stored) = jsonb_array_length($1::jsonb)
)
SELECT stored.*, (SELECT count(*) FROM notified) AS notified FROM stored
