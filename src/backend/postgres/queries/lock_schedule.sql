-- lock_schedule: one schedule, locked for the transaction (upsert, fire). $1 queue, $2 key.
SELECT body FROM {{schema}}.schedules WHERE queue = $1 AND key = $2 FOR UPDATE
