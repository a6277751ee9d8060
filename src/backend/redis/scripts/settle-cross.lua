--[[
  settle-cross: on a Redis Cluster, settles jobs of this queue whose dependency in another queue ended (the
  entries that queue's script recorded in its "xsettle" set, see lib/dependencies). Settling twice changes
  nothing: a job released or failed already is no longer waiting-children.
  KEYS[1] base   ARGV[1] now   ARGV[2] outbox   ARGV[3] JSON array of entries "queue\nid\nref\noutcome" (queue is
    this one; ref "queue:id" the dependency; outcome "met" or "fail:<reason>")
  Returns the number of entries settled.
]]
-- include: lib/dependencies.lua
local base, now, outbox = KEYS[1], tonumber(ARGV[1]), ARGV[2]
local entries = cjson.decode(ARGV[3])
for _, entry in ipairs(entries) do
  local id, ref, outcome = string.match(entry, "^[^\n]*\n([^\n]*)\n([^\n]*)\n(.*)$")
  if id then settleFromAcross(base, id, ref, outcome, now, outbox) end
end
return #entries
