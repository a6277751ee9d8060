--[[
  promote-due: moves the queue's delayed jobs due by `now` to waiting (and to the outbox, in transport mode), at
  most 1000 per call, so a transport publishes them on time rather than at the next maintenance pass.
  KEYS[1] base   ARGV: now, outbox
  Returns { promoted, nextDueAt (0 = none still delayed) }.
]]
-- include: lib/transitions.lua
local base, now, outbox = KEYS[1], tonumber(ARGV[1]), ARGV[2]
local promoted = promoteDue(base, now, 1000, outbox)
return {promoted, nextDueAt(base)}
