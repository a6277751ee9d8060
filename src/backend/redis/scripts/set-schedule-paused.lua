--[[
  set-schedule-paused: pauses or resumes a schedule and sets its next run.
  KEYS[1] base   ARGV: key, paused "1"|"0", nextRunAt ("" for none), now
  Returns the stored schedule as JSON, or false when it does not exist.
]]
local base, key = KEYS[1], ARGV[1]
local raw = redis.call("HGET", base .. "schedules", key)
if not raw then return false end
local schedule = cjson.decode(raw)
schedule.paused = ARGV[2] == "1"
schedule.nextRunAt = tonumber(ARGV[3])
schedule.updatedAt = tonumber(ARGV[4])
local stored = cjson.encode(schedule)
redis.call("HSET", base .. "schedules", key, stored)
return stored
