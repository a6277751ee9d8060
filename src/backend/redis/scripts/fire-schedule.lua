--[[
  fire-schedule: moves a schedule on from a slot — counts it (when its job started), sets the next run and adds
  that slot's job, delayed until then — all or nothing.
  KEYS[1] base   ARGV: now, outbox, key, slot, nextRunAt ("" when the schedule ends), counted "1"|"0"
  Returns 1 when applied, 0 when the schedule is gone, paused, or already past this slot (another process).
  Invariant: a slot is moved on from at most once: the compare-and-set on nextRunAt and the add are one step.
]]
-- include: lib/schedules.lua
local base, now, outbox, key = KEYS[1], tonumber(ARGV[1]), ARGV[2], ARGV[3]
local raw = redis.call("HGET", base .. "schedules", key)
if not raw then return 0 end
local schedule = cjson.decode(raw)
if schedule.paused or schedule.nextRunAt ~= tonumber(ARGV[4]) then return 0 end
if ARGV[6] == "1" then schedule.count = schedule.count + 1 end
schedule.nextRunAt = tonumber(ARGV[5])
redis.call("HSET", base .. "schedules", key, cjson.encode(schedule))
addSlotJob(base, schedule, now, outbox)
return 1
