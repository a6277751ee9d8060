--[[
  upsert-schedule: creates or updates one schedule (the rule of mergeSchedule in schedule-merge.ts), with its
  pending slot job: the job of the next run exists afterwards (unless paused or ended), made again while still
  delayed so it carries the latest template; a previous next run's job that is still delayed is removed.
  KEYS[1] base   ARGV: key, the incoming schedule as JSON (data and opts as JSON text), now, outbox
  Returns the stored schedule as JSON.
  Invariant: an existing schedule keeps count, paused and createdAt, and its nextRunAt while the signature
  (the timing) is unchanged.
]]
-- include: lib/schedules.lua
local base, key, now, outbox = KEYS[1], ARGV[1], tonumber(ARGV[3]), ARGV[4]
local incoming = cjson.decode(ARGV[2])
local raw = redis.call("HGET", base .. "schedules", key)
if raw then
  local existing = cjson.decode(raw)
  incoming.count = existing.count
  incoming.paused = existing.paused
  incoming.createdAt = existing.createdAt
  if existing.signature == incoming.signature then incoming.nextRunAt = existing.nextRunAt end
  if not existing.paused then dropDelayedSlot(base, existing, now) end
end
dropDelayedSlot(base, incoming, now)
local stored = cjson.encode(incoming)
redis.call("HSET", base .. "schedules", key, stored)
addSlotJob(base, incoming, now, outbox)
return stored
