--[[
  ack-outbox: the transport confirmed the publish of these outbox entries: forget them, but only while they are
  still under the lease they were taken with. An entry made again since (the job was claimed, failed and became
  ready again while the first message was in flight) owes a new delivery and stays.
  KEYS[1] base   ARGV: leasedUntil, ids...
  Returns how many entries were forgotten.
]]
local base, leasedUntil = KEYS[1], tonumber(ARGV[1])
local forgotten = 0
for i = 2, #ARGV do
  local score = redis.call("ZSCORE", base .. "outbox", ARGV[i])
  if score and tonumber(score) == leasedUntil then
    redis.call("ZREM", base .. "outbox", ARGV[i])
    forgotten = forgotten + 1
  end
end
return forgotten
