--[[
  upsert-schedule: creates or updates one schedule (the rule of mergeSchedule in schedule-merge.ts).
  KEYS[1] base   ARGV[1] key   ARGV[2] the incoming schedule as JSON (opts as JSON text)
  Returns the stored schedule as JSON.
  Invariant: an existing schedule keeps count, paused and createdAt, and its nextRunAt while the signature
  (the timing) is unchanged.
]]
local base, key = KEYS[1], ARGV[1]
local incoming = cjson.decode(ARGV[2])
local raw = redis.call("HGET", base .. "schedules", key)
if raw then
  local existing = cjson.decode(raw)
  incoming.count = existing.count
  incoming.paused = existing.paused
  incoming.createdAt = existing.createdAt
  if existing.signature == incoming.signature then incoming.nextRunAt = existing.nextRunAt end
end
local stored = cjson.encode(incoming)
redis.call("HSET", base .. "schedules", key, stored)
return stored
