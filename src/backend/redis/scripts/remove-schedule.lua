--[[
  remove-schedule: deletes a schedule and its pending slot job while still delayed; jobs it started stay.
  KEYS[1] base   ARGV: key, now
  Returns 1 when it existed, else 0.
]]
-- include: lib/schedules.lua
local base, key, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
local raw = redis.call("HGET", base .. "schedules", key)
if not raw then return 0 end
dropDelayedSlot(base, cjson.decode(raw), now)
redis.call("HDEL", base .. "schedules", key)
return 1
