-- save_turns: records a claim round: each served group's turn and limiter window, and the queue's counters.
-- $1 queue, $2 jsonb array of { group_id, turn, limiter_starts }, $3 turns, $4 ungrouped turn.
WITH groups_saved AS (
  UPDATE {{schema}}.groups g SET turn = x.turn, limiter_starts = x.limiter_starts
  FROM jsonb_to_recordset($2::jsonb) AS x(group_id text, turn bigint, limiter_starts jsonb)
  WHERE g.queue = $1 AND g.group_id = x.group_id
)
UPDATE {{schema}}.queues SET turns = $3, ungrouped_turn = $4 WHERE name = $1
