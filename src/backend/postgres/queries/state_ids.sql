-- state_ids: ids of jobs in states, up to a limit, locked (drain, obliterate). $1 queue, $2 states, $3 limit.
SELECT id FROM {{schema}}.jobs WHERE queue = $1 AND state = ANY($2) ORDER BY seq LIMIT $3 FOR UPDATE
