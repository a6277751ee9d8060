--[[
  lib/transitions: moving a job between state sets, with its group's sets and fetchers' wake-ups in step.
  Inputs: `base`, a job id, the state it leaves (nil or "" when new) and the one it enters, the score that
    orders it there, `now`, and the outbox flag ("1" when a transport delivers).
  Outputs: the job's state field and set membership; for ready jobs also readyAt, the ttl set, an outbox entry
    and a wake-up marker (at most MARKER_CAP queued); events "waiting" and the due notice of a new earliest
    delayed job.
  Invariants: a job is in exactly one state set, the one its hash names; a grouped job that is waiting or
    active is also in its group's gw:/ga: set; grouped jobs sit in wait after every ungrouped one (score +
    GROUP_OFFSET), so wait's head is the ungrouped head whenever there is one.
]]
-- include: lib/keys.lua
-- include: lib/events.lua

local PRIORITY_FACTOR = 4398046511104 -- 2^42: seq stays below it for any realistic queue
local GROUP_OFFSET = 11 * PRIORITY_FACTOR -- past every priority: grouped jobs after ungrouped ones in wait
local MARKER_CAP = 64

-- `count` jobs of one queue became ready: one marker each, at most MARKER_CAP queued, in one push.
local function wakeMany(base, count)
  local room = math.min(count, MARKER_CAP - redis.call("LLEN", base .. "marker"))
  if room <= 0 then return end
  local markers = {}
  for i = 1, room do markers[i] = "1" end
  redis.call("RPUSH", base .. "marker", unpack(markers))
end

local function wake(base)
  wakeMany(base, 1)
end

-- A grouped job leaves `state`: its group's ready or active set forgets it. Freeing an active slot wakes
-- fetchers when the group still has ready jobs (they may have been held back by the group's concurrency).
local function groupLeave(base, id, g, state)
  if state == "waiting" then
    redis.call("ZREM", base .. "gw:" .. g, id)
    if redis.call("ZCARD", base .. "gw:" .. g) == 0 then redis.call("ZREM", base .. "gready", g) end
  elseif state == "active" then
    redis.call("ZREM", base .. "ga:" .. g, id)
    if redis.call("ZCARD", base .. "gw:" .. g) > 0 then wake(base) end
  end
end

local function groupEnter(base, id, g, state, score)
  if state == "waiting" then
    redis.call("ZADD", base .. "gw:" .. g, score, id)
    redis.call("ZADD", base .. "gready", "NX", tonumber(redis.call("GET", base .. "gturn") or 0), g)
  elseif state == "active" then
    redis.call("ZADD", base .. "ga:" .. g, score, id)
  end
end

-- Moves a job between state sets; `score` orders it in the new set. `group` is the job's fairness group when
-- the caller already read it (false: none); nil looks it up, only for moves that touch waiting or active.
-- `stateWritten`: the caller already wrote the hash's state field (a new job's first HSET carries it).
local function setState(base, id, from, to, score, group, stateWritten)
  if from and from ~= "" then
    redis.call("ZREM", setKey(base, from), id)
  end
  redis.call("ZADD", setKey(base, to), score, id)
  if not stateWritten then redis.call("HSET", jobKey(base, id), "state", to) end
  if to == "delayed" and redis.call("ZRANGE", base .. "delayed", 0, 0)[1] == id then noteDue(base, score) end
  if from == "waiting" or from == "active" or to == "waiting" or to == "active" then
    local g = group
    if g == nil then g = redis.call("HGET", jobKey(base, id), "group") end
    if g then
      if from and from ~= "" and from ~= to then groupLeave(base, id, g, from) end
      groupEnter(base, id, g, to, score)
    end
  end
end

-- The wait-set score of a ready job: priority, then FIFO; grouped jobs after all ungrouped ones.
local function waitScore(priority, seq, grouped)
  local score = tonumber(priority) * PRIORITY_FACTOR + tonumber(seq)
  if grouped then score = score + GROUP_OFFSET end
  return score
end

-- Makes a job ready: wait set (priority, seq), outbox when a transport delivers, wake fetchers, event.
local function toWaiting(base, id, from, now, outbox)
  local key = jobKey(base, id)
  local fields = redis.call("HMGET", key, "priority", "seq", "name", "opts", "group")
  local score = waitScore(fields[1], fields[2], fields[5])
  setState(base, id, from, "waiting", score, fields[5] or false)
  redis.call("HSET", key, "readyAt", now)
  local ttl = cjson.decode(fields[4])["ttl"]
  if ttl then redis.call("ZADD", base .. "ttl", now + ttl, id) end
  if outbox == "1" then
    redis.call("ZADD", base .. "outbox", 0, id)
    noteOutbox(base)
  end
  wake(base)
  emit(base, now, "waiting", id, fields[3], {p = from})
end

local function clearLock(key)
  redis.call("HDEL", key, "lockToken", "lockExpiresAt")
end

-- Promotes due delayed jobs (at most `limit`); returns how many.
local function promoteDue(base, now, limit, outbox)
  local due = redis.call("ZRANGEBYSCORE", base .. "delayed", "-inf", now, "LIMIT", 0, limit)
  for _, id in ipairs(due) do
    toWaiting(base, id, "delayed", now, outbox)
  end
  return #due
end

local function nextDueAt(base)
  local head = redis.call("ZRANGE", base .. "delayed", 0, 0, "WITHSCORES")
  if head[2] then return tonumber(head[2]) end
  return 0
end
