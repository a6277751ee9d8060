--[[
  lib/commands: command helpers that know nothing of job states.
  Inputs: a key and a list of arguments (callChunked); a job hash key (recordJson).
  Outputs: the replies, concatenated (callChunked); the job as one JSON object string and as a table (recordJson).
  Invariant: no call passes more than 1000 arguments through unpack, so a long list never overflows Lua's stack.
]]

-- A job hash as one JSON object string: the client decodes one string per claimed job instead of forty
-- reply items (reply decoding was a third of a worker's CPU).
local function recordJson(key)
  local flat = redis.call("HGETALL", key)
  local record = {}
  for i = 1, #flat, 2 do record[flat[i]] = flat[i + 1] end
  return cjson.encode(record), record
end

-- Runs a variadic command over `list` in chunks, so a long list never overflows Lua's stack with unpack.
local function callChunked(command, key, list)
  local results = {}
  for i = 1, #list, 1000 do
    local reply = redis.call(command, key, unpack(list, i, math.min(i + 999, #list)))
    if type(reply) == "table" then
      for _, item in ipairs(reply) do results[#results + 1] = item end
    end
  end
  return results
end
