--[[
  enqueue-jobs: stores a batch of jobs, all or none.
  KEYS[1] base "{prefix:queue}:" (the only declared key: a queue lives in one cluster slot)
  ARGV[1] now   ARGV[2] outbox "1"|"0"   ARGV[3] JSON array of { id, name, data, opts (JSON text), createdAt, runAt }
  Returns one { created 1|0, HGETALL of the job } per record, in order;
  or an error "INVALID_DEPENDENCY <ref>" before anything is written.
  Invariant: a record whose id exists, or whose dedupe key is held by a pending job (or within its ttl),
  returns that job and adds nothing.
]]
local base = KEYS[1]
local now, outbox = tonumber(ARGV[1]), ARGV[2]
local records = cjson.decode(ARGV[3])
local prefix = prefixOf(base)
-- opts arrive as JSON text: stored verbatim, because cjson would turn an empty array into an object.
for _, record in ipairs(records) do
  record.optsJson = record.opts
  record.opts = cjson.decode(record.opts)
end

local TERMINAL = {completed = true, failed = true, cancelled = true, expired = true}

-- Phase 1: decide, write nothing.
local existing, batchIds, batchDedupe = {}, {}, {}
for i, record in ipairs(records) do
  local found = batchIds[record.id]
  if not found and redis.call("EXISTS", jobKey(base, record.id)) == 1 then found = record.id end
  local dedupe = record.opts.dedupe
  if not found and dedupe then
    found = batchDedupe[dedupe.key]
    if not found then
      local holder = redis.call("HGET", base .. "dedupe", dedupe.key)
      if holder then
        local f = redis.call("HMGET", jobKey(base, holder), "state", "createdAt")
        if f[1] and (not TERMINAL[f[1]] or (dedupe.ttl and now - tonumber(f[2]) < dedupe.ttl)) then
          found = holder
        end
      end
    end
  end
  if found then
    existing[i] = found
  else
    batchIds[record.id] = record.id
    if dedupe then batchDedupe[dedupe.key] = record.id end
  end
end
for i, record in ipairs(records) do
  if not existing[i] then
    for _, ref in ipairs(record.opts.dependsOn) do
      local colon = string.find(ref, ":", 1, true)
      local depQueue, depId = string.sub(ref, 1, colon - 1), string.sub(ref, colon + 1)
      local inBatch = depQueue == queueOf(base) and batchIds[depId]
      if not inBatch and redis.call("EXISTS", jobKey(baseFor(prefix, depQueue), depId)) == 0 then
        return redis.error_reply("INVALID_DEPENDENCY " .. ref)
      end
    end
  end
end

-- Phase 2: write.
local results = {}
for i, record in ipairs(records) do
  if existing[i] then
    results[i] = {0, redis.call("HGETALL", jobKey(base, existing[i]))}
  else
    local id, opts = record.id, record.opts
    local key = jobKey(base, id)
    local seq = redis.call("INCR", base .. "seq")
    redis.call("HSET", key, "id", id, "queue", queueOf(base), "name", record.name, "data", record.data,
      "opts", record.optsJson, "createdAt", record.createdAt, "runAt", record.runAt, "attemptsMade", 0,
      "stalledCount", 0, "stacktrace", "[]", "cancelRequested", "0", "seq", seq, "priority", opts.priority,
      "maxStalled", 1)
    if opts.dedupe then
      redis.call("HSET", key, "dedupeKey", opts.dedupe.key)
      redis.call("HSET", base .. "dedupe", opts.dedupe.key, id)
    end
    for _, ref in ipairs(opts.dependsOn) do
      local colon = string.find(ref, ":", 1, true)
      local depBase = baseFor(prefix, string.sub(ref, 1, colon - 1))
      redis.call("SADD", depBase .. "deps:" .. string.sub(ref, colon + 1), queueOf(base) .. ":" .. id)
    end
    emit(base, now, "added", id, record.name, nil)
    if record.runAt > now then
      setState(base, id, nil, "delayed", record.runAt)
      emit(base, now, "delayed", id, record.name, {t = record.runAt})
    elseif #opts.dependsOn > 0 and not depsMet(prefix, opts) then
      setState(base, id, nil, "waiting-children", seq)
      emit(base, now, "waiting-children", id, record.name, nil)
    else
      local score = opts.priority * PRIORITY_FACTOR + seq
      setState(base, id, nil, "waiting", score)
      redis.call("HSET", key, "readyAt", now)
      if opts.ttl then redis.call("ZADD", base .. "ttl", now + opts.ttl, id) end
      if outbox == "1" then redis.call("ZADD", base .. "outbox", 0, id) end
      wake(base)
      emit(base, now, "waiting", id, record.name, nil)
    end
    results[i] = {1, redis.call("HGETALL", key)}
  end
end
return results
