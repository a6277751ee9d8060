-- jobs_statistics: how far the planner's statistics of the jobs table lag behind it.
-- Returns rows changed since the last ANALYZE, live rows, and seconds since the last (auto)analyze (null: never).
SELECT n_mod_since_analyze AS changed, n_live_tup AS live,
  extract(epoch FROM now() - greatest(last_analyze, last_autoanalyze))::float8 AS analyzed_ago
FROM pg_stat_user_tables WHERE relid = '{{schema}}.jobs'::regclass
