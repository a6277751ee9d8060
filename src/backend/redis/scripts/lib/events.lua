--[[
  lib/events: what a script tells the world besides its result, collected while it runs and sent once at the
  end by flushEvents, which the script runner calls after every script (script-source.ts).
  Inputs: `base` of the queue concerned, the script's `now`, the event's fields.
  Outputs: one XADD per queue touched (field "b" = JSON array of its events, capped at EVENTS_MAXLEN entries),
    and one more to the queue's control stream when the call emitted control events (CONTROL_EVENTS);
    one PUBLISH per queue on "<prefix>:due" when a delayed job became its earliest; and, returned beside the
    result by the runner, outboxFilled (queues whose outbox got entries) and deadLetters (queue, id, reason
    triples of jobs that ended failed or expired for good, outbox mode only).
  Invariant: nothing leaves before the script's writes are done, and a queue gets at most one stream entry and
    one due notice per script call.
]]
-- include: lib/keys.lua

local EVENTS_MAXLEN = 2000 -- entries, each holding one script call's events

-- Events are collected per queue during a script and written by flushEvents (appended to every script by the
-- script runner) as one stream entry per queue, field "b" = JSON array of events. One XADD per script call
-- instead of one per event: events were a third of the Redis backend's server time.
local eventBatches, eventQueues = {}, {}

-- The events workers and transports act on (records.ts CONTROL_EVENTS) also go to "<base>control": a worker
-- reads that short stream instead of every transition of its queue, which cost it a third of its time per job.
local CONTROL_EVENTS = {["cancel-requested"] = true, stalled = true, drained = true, paused = true, resumed = true}
local controlBatches, controlQueues = {}, {}

-- Appends an event to its queue's batch in `batches`, noting the queue in `queues` the first time.
local function appendEvent(batches, queues, base, e)
  local batch = batches[base]
  if not batch then
    batch = {}
    batches[base] = batch
    queues[#queues + 1] = base
  end
  batch[#batch + 1] = e
end

local function emit(base, now, event, id, name, fields)
  local e = {e = event, ts = now}
  if id then e.j = id end
  if name then e.n = name end
  if fields then
    for k, v in pairs(fields) do e[k] = v end
  end
  appendEvent(eventBatches, eventQueues, base, e)
  if CONTROL_EVENTS[event] then appendEvent(controlBatches, controlQueues, base, e) end
end

-- Due notices: a delayed job that became the earliest of its queue is announced on "<prefix>:due" as
-- "<queue>\n<dueAt>", once per queue per script call, so every process's idle fetchers re-arm their wait on
-- it (a marker would wake only one fetcher). Published by flushEvents, after the script's writes.
local dueAt, dueQueues = {}, {}

local function noteDue(base, at)
  local known = dueAt[base]
  if known == nil then
    dueQueues[#dueQueues + 1] = base
  elseif known <= at then
    return
  end
  dueAt[base] = at
end

-- What a store tells its transport (outbox mode), returned beside every script's result by the script runner:
-- the queues whose outbox got entries, and the jobs that ended failed or expired for good (queue, id, reason).
local outboxFilled, outboxFilledSeen, deadLetters = {}, {}, {}
-- Cluster only: dependants in other queues (other slots) to settle, as stored in this queue's "xsettle" set
-- (see lib/dependencies.lua); the client settles each in its own queue's script, then removes it.
local crossSettled = {}

local function noteOutbox(base)
  if outboxFilledSeen[base] then return end
  outboxFilledSeen[base] = true
  outboxFilled[#outboxFilled + 1] = queueOf(base)
end

local function noteDeadLetter(base, id, reason, outbox)
  if outbox ~= "1" then return end
  deadLetters[#deadLetters + 1] = queueOf(base)
  deadLetters[#deadLetters + 1] = id
  deadLetters[#deadLetters + 1] = reason
end

local function flushEvents()
  for _, base in ipairs(eventQueues) do
    redis.call("XADD", base .. "events", "MAXLEN", "~", EVENTS_MAXLEN, "*", "b", cjson.encode(eventBatches[base]))
  end
  for _, base in ipairs(controlQueues) do
    redis.call("XADD", base .. "control", "MAXLEN", "~", EVENTS_MAXLEN, "*", "b",
      cjson.encode(controlBatches[base]))
  end
  for _, base in ipairs(dueQueues) do
    redis.call("PUBLISH", prefixOf(base) .. ":due", queueOf(base) .. "\n" .. dueAt[base])
  end
end
