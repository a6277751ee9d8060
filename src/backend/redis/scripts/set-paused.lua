--[[
  set-paused: pauses or resumes a queue; resuming wakes blocked fetchers.
  KEYS[1] base   ARGV: paused "1"|"0", now
  Returns 1 when the flag changed.
]]
-- include: lib/events.lua
-- include: lib/transitions.lua
local base, paused, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
local current = redis.call("HGET", base .. "meta", "paused") == "1"
if current == (paused == "1") then return 0 end
if paused == "1" then
  redis.call("HSET", base .. "meta", "paused", "1")
  emit(base, now, "paused", nil, nil, nil)
else
  redis.call("HDEL", base .. "meta", "paused")
  emit(base, now, "resumed", nil, nil, nil)
  wake(base)
end
return 1
