-- list_queues: every queue name, sorted.
SELECT name FROM {{schema}}.queues ORDER BY name
