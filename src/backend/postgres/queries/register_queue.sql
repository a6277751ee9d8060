-- register_queue: records a queue's name (listQueues, topic patterns) without serialising writers. $1 queue.
INSERT INTO {{schema}}.queues (name) VALUES ($1) ON CONFLICT (name) DO NOTHING
