-- analyze_jobs: refreshes the planner's statistics of the jobs table, which also re-plans every connection's
-- cached statements on it. Reads a sample; takes no lock that blocks reads or writes.
ANALYZE {{schema}}.jobs
