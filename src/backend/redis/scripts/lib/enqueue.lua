--[[
  lib/enqueue: storing new jobs, all or none (enqueue-jobs, and a schedule's slot job).
  Inputs: the prefix, `now`, the outbox flag, records { queue, id, name, data, opts (JSON text), createdAt,
    runAt, traceparent?, tracestate?, xdeps? }; a batch may span queues of the prefix (a flow) on one server;
    and, when the caller publishes the new waiting jobs itself, the lease their outbox entries are written under
    (no outbox notice). On a cluster (CLUSTER) a batch is one queue's, and dependencies in other queues were
    checked and linked by link-dependants first; `xdeps` carries the outcome of those that had already ended
    (lib/dependencies).
  Outputs: per record {1, entry state, readyAt or ""} for a new job, {2, HGETALL} for a new job that failed at
    once (a dependency had already failed for good), {0, HGETALL} for an existing one; or nil and the first
    dependency that does not exist, before anything is written. Events "added", then the entry state's.
  Invariants: a record whose id exists in its queue, or whose dedupe key is held by a pending job (or one
    within its ttl), adds nothing and returns that job; within a batch a later duplicate returns the earlier.
]]
-- include: lib/keys.lua
-- include: lib/events.lua
-- include: lib/transitions.lua
-- include: lib/dependencies.lua

local TERMINAL = {completed = true, failed = true, cancelled = true, expired = true}

-- Stores records (each names its queue), all or none. Returns per record {1, entry state, readyAt or ""} for a
-- new job (the caller knows the rest of it), {2, HGETALL} for a new job that failed at once (a dependency had
-- already failed for good), or {0, HGETALL} for an existing one; or nil and the first dependency
-- that does not exist (checked before anything is written). A record whose id exists in its queue, or whose
-- dedupe key is held by a pending job (or within its ttl), returns that job and adds nothing.
local function enqueueRecords(prefix, now, outbox, records, outboxLease)
  -- opts arrive as JSON text: stored verbatim, because cjson would turn an empty array into an object.
  for _, record in ipairs(records) do
    record.optsJson = record.opts
    record.opts = cjson.decode(record.opts)
    record.base = baseFor(prefix, record.queue)
  end

  -- Phase 1: decide, write nothing. Batch keys are "queue:id" and "queue\0dedupe".
  local existing, batchIds, batchDedupe = {}, {}, {}
  for i, record in ipairs(records) do
    local base = record.base
    local ref = record.queue .. ":" .. record.id
    local found = batchIds[ref]
    if not found and redis.call("EXISTS", jobKey(base, record.id)) == 1 then found = record.id end
    local dedupe = record.opts.dedupe
    if not found and dedupe then
      found = batchDedupe[record.queue .. "\0" .. dedupe.key]
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
      batchIds[ref] = record.id
      if dedupe then batchDedupe[record.queue .. "\0" .. dedupe.key] = record.id end
    end
  end
  for i, record in ipairs(records) do
    if not existing[i] then
      for _, ref in ipairs(record.opts.dependsOn) do
        local colon = string.find(ref, ":", 1, true)
        local depBase = baseFor(prefix, string.sub(ref, 1, colon - 1))
        if not batchIds[ref] and not crossQueue(record.base, depBase)
          and redis.call("EXISTS", jobKey(depBase, string.sub(ref, colon + 1))) == 0 then
          return nil, ref
        end
      end
    end
  end

  -- Phase 2: write. Sequence numbers are taken once per queue for the whole batch (INCRBY), and fetchers
  -- are woken once per queue at the end: per job, an INCR and a marker push were a third of an add's commands.
  local fresh, nextSeq, ready, readyQueues = {}, {}, {}, {}
  for i, record in ipairs(records) do
    if not existing[i] then fresh[record.base] = (fresh[record.base] or 0) + 1 end
  end
  for base, count in pairs(fresh) do nextSeq[base] = redis.call("INCRBY", base .. "seq", count) - count + 1 end
  local results = {}
  for i, record in ipairs(records) do
    local base = record.base
    if existing[i] then
      results[i] = {0, redis.call("HGETALL", jobKey(base, existing[i]))}
    else
      local id, opts = record.id, record.opts
      local key = jobKey(base, id)
      local seq = nextSeq[base]
      nextSeq[base] = seq + 1
      -- A job without dependencies enters waiting or delayed by its time alone: its state (and a ready job's
      -- readyAt) go in this first write instead of one HSET each after it.
      local entry
      if #opts.dependsOn == 0 then entry = record.runAt > now and "delayed" or "waiting" end
      local fields = {"id", id, "queue", record.queue, "name", record.name, "data", record.data,
        "opts", record.optsJson, "createdAt", record.createdAt, "runAt", record.runAt, "attemptsMade", 0,
        "stalledCount", 0, "stacktrace", "[]", "cancelRequested", "0", "seq", seq, "priority", opts.priority,
        "maxStalled", 1}
      if entry then
        fields[#fields + 1] = "state"
        fields[#fields + 1] = entry
        if entry == "waiting" then
          fields[#fields + 1] = "readyAt"
          fields[#fields + 1] = now
        end
      end
      redis.call("HSET", key, unpack(fields))
      -- The producer's trace context, for the spans of every try (absent when the producer does not trace).
      -- A flow child's parent, "queue:id", so an operator can walk back up the tree.
      if record.parent then redis.call("HSET", key, "parent", record.parent) end
      if record.traceparent then
        redis.call("HSET", key, "traceparent", record.traceparent)
        if record.tracestate then redis.call("HSET", key, "tracestate", record.tracestate) end
      end
      if opts.dedupe then
        redis.call("HSET", key, "dedupeKey", opts.dedupe.key)
        redis.call("HSET", base .. "dedupe", opts.dedupe.key, id)
      end
      if opts.group then
        redis.call("HSET", key, "group", opts.group)
        redis.call("SADD", base .. "groups", opts.group)
      end
      for _, ref in ipairs(opts.dependsOn) do
        local colon = string.find(ref, ":", 1, true)
        local depBase = baseFor(prefix, string.sub(ref, 1, colon - 1))
        if not crossQueue(base, depBase) then
          redis.call("SADD", depBase .. "deps:" .. string.sub(ref, colon + 1), record.queue .. ":" .. id)
        end
      end
      if CLUSTER then
        -- Outcomes of ended dependencies in other queues: given at enqueue, or settled before it was stored.
        local xdeps = base .. "xdeps:" .. id
        for ref, outcome in pairs(record.xdeps or {}) do redis.call("HSET", xdeps, ref, outcome) end
        redis.call("PERSIST", xdeps)
      end
      emit(base, now, "added", id, record.name, nil)
      -- Dependencies come first: a delayed job with unmet ones waits for them, then for its time.
      if #opts.dependsOn > 0 and not depsMet(prefix, opts, false, base, id) then
        setState(base, id, nil, "waiting-children", seq)
        emit(base, now, "waiting-children", id, record.name, nil)
        results[i] = {1, "waiting-children", ""}
        -- A dependency that already failed for good means this job can never run: it fails now, not never.
        local failed = failedDependency(prefix, opts, base, id)
        if failed then
          failJob(base, id, failed, now, "waiting-children", outbox)
          results[i] = {2, redis.call("HGETALL", key)}
        end
      elseif record.runAt > now then
        setState(base, id, nil, "delayed", record.runAt, nil, entry ~= nil)
        emit(base, now, "delayed", id, record.name, {t = record.runAt})
        results[i] = {1, "delayed", ""}
      else
        setState(base, id, nil, "waiting", waitScore(opts.priority, seq, opts.group), opts.group or false,
          entry ~= nil)
        if not entry then redis.call("HSET", key, "readyAt", now) end
        if opts.ttl then redis.call("ZADD", base .. "ttl", now + opts.ttl, id) end
        if outbox == "1" then
          redis.call("ZADD", base .. "outbox", outboxLease or 0, id)
          if not outboxLease then noteOutbox(base) end
        end
        if not ready[base] then
          ready[base] = 0
          readyQueues[#readyQueues + 1] = base
        end
        ready[base] = ready[base] + 1
        emit(base, now, "waiting", id, record.name, nil)
        results[i] = {1, "waiting", now}
      end
    end
  end
  for _, base in ipairs(readyQueues) do wakeMany(base, ready[base]) end
  return results
end
