--[[
  fire-schedule: fires one slot of a schedule — adds its job and moves the schedule on, all or nothing.
  KEYS[1] base   ARGV: now, outbox, key, slot, nextRunAt ("" when the schedule ends), job JSON (enqueue format)
  Returns 1 when fired, 0 when the schedule is gone, paused, or already past this slot (another leader fired).
  Invariant: a slot fires at most once: the compare-and-set on nextRunAt and the add happen in one script.
]]
local base, now, outbox, key = KEYS[1], tonumber(ARGV[1]), ARGV[2], ARGV[3]
local raw = redis.call("HGET", base .. "schedules", key)
if not raw then return 0 end
local schedule = cjson.decode(raw)
if schedule.paused or schedule.nextRunAt ~= tonumber(ARGV[4]) then return 0 end
local _, badRef = enqueueRecords(prefixOf(base), now, outbox, {cjson.decode(ARGV[6])})
if badRef then return redis.error_reply("INVALID_DEPENDENCY " .. badRef) end
schedule.count = schedule.count + 1
schedule.nextRunAt = tonumber(ARGV[5])
redis.call("HSET", base .. "schedules", key, cjson.encode(schedule))
return 1
