--[[
  set-schedule-paused: pauses a schedule (its pending slot job goes while still delayed) or resumes it (the job
  of the new next run is added), and sets its next run.
  KEYS[1] base   ARGV: key, paused "1"|"0", nextRunAt ("" for none), now, outbox
  Returns the stored schedule as JSON, or false when it does not exist.
]]
-- include: lib/schedules.lua
local base, key, now, outbox = KEYS[1], ARGV[1], tonumber(ARGV[4]), ARGV[5]
local raw = redis.call("HGET", base .. "schedules", key)
if not raw then return false end
local schedule = cjson.decode(raw)
if ARGV[2] == "1" then dropDelayedSlot(base, schedule, now) end
schedule.paused = ARGV[2] == "1"
schedule.nextRunAt = tonumber(ARGV[3])
schedule.updatedAt = now
local stored = cjson.encode(schedule)
redis.call("HSET", base .. "schedules", key, stored)
addSlotJob(base, schedule, now, outbox)
return stored
