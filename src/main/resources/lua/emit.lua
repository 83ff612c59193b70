-- emit(first, last, maxlen, ttl, text, early) (notify/EventPublisher): append, cap, expire and publish one event
-- for each key pair KEYS[first..last] (history stream, channel) in one atomic step, so a subscriber that reads the
-- history right after subscribing sees every event either there or live. The published copy carries the id. A pair
-- naming the channel twice keeps no history: the event gets an id of the same form from Redis's clock (ms-us), set
-- `early` microseconds back when given (two events to such a topic in one script keep their ids apart and in order).
-- Returns the ids, one per pair.
local function emit(first, last, maxlen, ttl, text, early)
  local ids = {}
  local now
  for i = first, last, 2 do
    local id
    if KEYS[i] ~= KEYS[i + 1] then
      id = redis.call('XADD', KEYS[i], 'MAXLEN', maxlen, '*', 'event', text)
      redis.call('PEXPIRE', KEYS[i], ttl)
    else
      if not now then
        local t = redis.call('TIME')
        local us = tonumber(t[1]) * 1000000 + tonumber(t[2]) - (early or 0)
        now = string.format('%d-%d', math.floor(us / 1000), us % 1000)
      end
      id = now
    end
    redis.call('PUBLISH', KEYS[i + 1], '{"id":"' .. id .. '",' .. string.sub(text, 2))
    ids[#ids + 1] = id
  end
  return ids
end
