--[[
  add-log: appends a line to a job's log.
  KEYS[1] base   ARGV: id, line, now
  Returns the number of lines, or error "NOT_FOUND".
]]
-- include: lib/keys.lua
-- include: lib/events.lua
local base, id, line, now = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
local name = redis.call("HGET", jobKey(base, id), "name")
if not name then return redis.error_reply("NOT_FOUND") end
local count = redis.call("RPUSH", base .. "logs:" .. id, line)
emit(base, now, "log", id, name, {l = line})
return count
