-- count_jobs: jobs per state of a queue, through the (queue, state) index.
-- $1 queue. Returns state, count.
SELECT state, count(*)::integer AS count FROM {{schema}}.jobs WHERE queue = $1 GROUP BY state
