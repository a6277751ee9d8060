-- 008_search: an index that hands a job search the newest jobs of each state without reading the rest, so a
-- search examines at most its scan bound however large the queue (see queries/search_jobs.sql). The id rides
-- in the index, so choosing the window is an index-only scan; only the chosen rows are read from the table.
CREATE INDEX jobs_newest ON {{schema}}.jobs (queue, state, created_at, seq) INCLUDE (id);
