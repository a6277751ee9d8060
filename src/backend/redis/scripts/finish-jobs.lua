--[[
  finish-jobs: records the outcomes of finished tries for one queue.
  KEYS[1] base   ARGV[1] now   ARGV[2] outbox   ARGV[3] JSON array of
    { kind: completed|failed|cancelled, id, token, finishedAt, returnValue?, reason?, stack?, retryAt? }
  Returns one "ok" | "lock-lost" per outcome.
  Invariant: an outcome whose token is not the job's current lock changes nothing (a stalled worker's late
  result); the terminal transition happens once.
]]
-- include: lib/keys.lua
-- include: lib/commands.lua
-- include: lib/events.lua
-- include: lib/transitions.lua
-- include: lib/retention.lua
-- include: lib/dependencies.lua
local base = KEYS[1]
local now, outbox = tonumber(ARGV[1]), ARGV[2]
local outcomes = cjson.decode(ARGV[3])
local statuses = {}
local MAX_STACKTRACES = 10 -- failure stack traces kept per job, newest last
-- Jobs added together share their options text: decode each distinct text once.
local optsByText = {}
local function decodeOpts(text)
  local opts = optsByText[text]
  if not opts then
    opts = cjson.decode(text)
    optsByText[text] = opts
  end
  return opts
end
local leaving = {} -- ids leaving the active set, removed with one ZREM
for i, o in ipairs(outcomes) do
  local key = jobKey(base, o.id)
  local f = redis.call("HMGET", key, "state", "lockToken", "name", "attemptsMade", "opts", "stacktrace", "group",
    "dedupeKey", "processedAt")
  if f[1] ~= "active" or f[2] ~= o.token then
    statuses[i] = "lock-lost"
  else
    statuses[i] = "ok"
    local name, attempts, opts, started = f[3], f[4], decodeOpts(f[5]), tonumber(f[9])
    leaving[#leaving + 1] = o.id
    if f[7] then groupLeave(base, o.id, f[7], "active") end
    if o.kind == "completed" and opts.removeOnComplete == true
      and redis.call("EXISTS", base .. "deps:" .. o.id) == 0 then
      -- Fast path: nothing waits on it and it is not kept, so it is deleted without visiting the completed set.
      emit(base, now, "completed", o.id, name, {p = "active", a = attempts, v = o.returnValue, s = started})
      dropRecord(base, o.id, f[8])
    else
      clearLock(key)
      if o.kind == "completed" then
        setState(base, o.id, nil, "completed", o.finishedAt)
        redis.call("HSET", key, "finishedAt", o.finishedAt)
        local fields = {p = "active", a = attempts, s = started}
        if o.returnValue then
          redis.call("HSET", key, "returnValue", o.returnValue)
          fields.v = o.returnValue
        end
        emit(base, now, "completed", o.id, name, fields)
        settleDependants(base, o.id, now, outbox)
        applyRetention(base, "completed", opts.removeOnComplete, now, o.id)
      elseif o.kind == "failed" then
        local traces = cjson.decode(f[6])
        traces[#traces + 1] = o.stack
        while #traces > MAX_STACKTRACES do table.remove(traces, 1) end
        redis.call("HSET", key, "stacktrace", cjson.encode(traces))
        if o.retryAt == nil then
          redis.call("HSET", key, "state", "active")
          failJob(base, o.id, o.reason, o.finishedAt, "active", outbox)
        else
          redis.call("HSET", key, "failedReason", o.reason)
          -- Stamped with the try's finish time, so runAt - timestamp is the backoff the worker chose.
          emit(base, o.finishedAt, "retrying", o.id, name, {p = "active", a = attempts, r = o.reason, t = o.retryAt,
            s = started})
          if o.retryAt > now then
            redis.call("HSET", key, "runAt", o.retryAt)
            setState(base, o.id, nil, "delayed", o.retryAt)
            emit(base, now, "delayed", o.id, name, {p = "active", t = o.retryAt})
          else
            toWaiting(base, o.id, "active", now, outbox)
          end
        end
      else
        setState(base, o.id, nil, "cancelled", o.finishedAt)
        redis.call("HSET", key, "failedReason", o.reason, "finishedAt", o.finishedAt)
        emit(base, now, "cancelled", o.id, name, {p = "active", r = o.reason})
        settleDependants(base, o.id, now, outbox)
      end
    end
  end
end
callChunked("ZREM", base .. "active", leaving)
return statuses
