--[[
  enqueue-jobs: stores a batch of jobs, all or none; the batch may span queues of one prefix (a flow).
  KEYS[1] base "{prefix:queue}:" of the first record's queue (a batch spanning queues touches undeclared keys
    of the other queues on one server; on a cluster the client sends one queue's records per call, see
    redis-cross-queue.ts)
  ARGV[1] now   ARGV[2] outbox "1"|"0"
  ARGV[3] JSON array of { queue, id, name, data, opts (JSON text), createdAt, runAt, traceparent?, tracestate? }
  ARGV[4] "" or the lease (ms) new waiting jobs' outbox entries are written under: the caller publishes them
  Returns one { 1, entry state, readyAt or "" } (new) or { 0, HGETALL of the existing job } per record, in order;
  or an error "INVALID_DEPENDENCY <ref>" before anything is written.
]]
-- include: lib/keys.lua
-- include: lib/enqueue.lua
local results, badRef =
  enqueueRecords(prefixOf(KEYS[1]), tonumber(ARGV[1]), ARGV[2], cjson.decode(ARGV[3]), tonumber(ARGV[4]))
if badRef then return redis.error_reply("INVALID_DEPENDENCY " .. badRef) end
return results
