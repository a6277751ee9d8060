-- update_progress: stores progress; with a token only while that lease is current.
-- $1 queue, $2 id, $3 token (null = no check), $4 progress. Returns name when stored.
UPDATE {{schema}}.jobs SET progress = $4
WHERE queue = $1 AND id = $2 AND ($3::text IS NULL OR (state = 'active' AND lock_token = $3))
RETURNING name
