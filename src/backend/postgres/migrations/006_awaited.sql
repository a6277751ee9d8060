-- 006_awaited: a job that other jobs depend on is marked when a dependant is added. Setting it updates (and so
-- locks) the dependency's row, which serialises the add with the dependency's finish: the finish either sees
-- the dependant and releases it, or the add sees the finish. The fast finish skips awaited jobs.
ALTER TABLE {{schema}}.jobs ADD COLUMN awaited boolean NOT NULL DEFAULT false;
