--[[
  search-jobs: one bounded chunk of a job search, read only. Walks the sets of the states asked, each from its
  highest score down (newest first: the latest finished, the latest added of a priority), taking an equal share
  of the chunk from each set not yet exhausted, and matches each job's id, name, failedReason and data against
  the text. The client calls it again with the offsets it returns until its scan bound is spent, so no call
  holds the server for long.
  KEYS[1] base
  ARGV[1] text (lowercased here with string.lower: ASCII letters only)   ARGV[2] most jobs to examine (>= 1)
  ARGV[3] most bytes of fields to match: the call stops once past it, so large payloads cannot make it long
  (it always examines at least one job, so a walk always moves on)
  ARGV[4..] state, offset pairs: where each set's walk stands (ranks from the highest score)
  Returns {examined, {state, next offset, "1" when exhausted else "0"}..., {id, createdAt, seq}... of matches}
  as {examined, cursors, matches}.
  Invariants: plain string.find (no Lua patterns), so %, ., *, [ and _ in the text are literal. A job moved or
  removed between chunks shifts the ranks: it may be seen twice (the client keeps one) or not at all.
]]
-- include: lib/keys.lua
local base = KEYS[1]
local needle = string.lower(ARGV[1])
local budget = tonumber(ARGV[2])
local maxBytes = tonumber(ARGV[3])

local walks = {}
for i = 4, #ARGV, 2 do walks[#walks + 1] = {state = ARGV[i], offset = tonumber(ARGV[i + 1])} end

local function contains(value)
  return value ~= false and value ~= nil and string.find(string.lower(value), needle, 1, true) ~= nil
end

local function size(value)
  return value and #value or 0
end

local examined = 0
local bytes = 0
local matches = {}
local cursors = {}
local share = math.ceil(budget / math.max(#walks, 1))
for _, walk in ipairs(walks) do
  local key = setKey(base, walk.state)
  local offset = walk.offset
  local take = math.min(share, budget - examined)
  if take > 0 and bytes < maxBytes then
    for _, id in ipairs(redis.call("ZREVRANGE", key, offset, offset + take - 1)) do
      if bytes >= maxBytes then break end
      local job = redis.call("HMGET", jobKey(base, id), "id", "name", "failedReason", "data", "createdAt", "seq")
      if job[1] and (contains(job[1]) or contains(job[2]) or contains(job[3]) or contains(job[4])) then
        matches[#matches + 1] = {id, job[5], job[6]}
      end
      bytes = bytes + size(job[1]) + size(job[2]) + size(job[3]) + size(job[4])
      examined = examined + 1
      offset = offset + 1
    end
  end
  local exhausted = offset >= redis.call("ZCARD", key)
  cursors[#cursors + 1] = {walk.state, offset, exhausted and "1" or "0"}
end
return {examined, cursors, matches}
