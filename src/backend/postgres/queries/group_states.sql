-- group_states: active count and limiter window of named groups. $1 queue, $2 group ids text[].
SELECT g.group_id, g.turn, g.limiter_starts,
  (SELECT count(*) FROM {{schema}}.jobs a
    WHERE a.queue = $1 AND a.group_id = g.group_id AND a.state = 'active')::int AS active
FROM {{schema}}.groups g WHERE g.queue = $1 AND g.group_id = ANY($2::text[])
