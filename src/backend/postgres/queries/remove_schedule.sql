-- remove_schedule: deletes one schedule. $1 queue, $2 key. Returns a row when it existed.
DELETE FROM {{schema}}.schedules WHERE queue = $1 AND key = $2 RETURNING key
