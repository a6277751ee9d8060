-- set_paused: sets the pause flag; returns whether it changed (a new, unpaused queue has not changed).
-- $1 queue, $2 paused.
WITH registered AS (
  INSERT INTO {{schema}}.queues (name, paused) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING paused
), updated AS (
  UPDATE {{schema}}.queues SET paused = $2 WHERE name = $1 AND paused <> $2 RETURNING paused
)
SELECT EXISTS (SELECT 1 FROM registered WHERE paused) OR EXISTS (SELECT 1 FROM updated) AS changed
