-- Result functions (task/ResultBackend), for every script that writes or checks a Celery result.
-- succeeded(key): whether the stored result is SUCCESS (a plain find first; JSON decoding only when the text may say so).
-- store(key, value, ttl): SETEX and PUBLISH as Celery's RedisBackend, unless a SUCCESS is already there (a late
-- duplicate must not replace a good result; checking in the same script closes the race between two writers).
-- Returns 1 when written, 0 when a SUCCESS was kept.
local function succeeded(key)
  local current = redis.call('GET', key)
  if current and string.find(current, 'SUCCESS', 1, true) then
    local ok, meta = pcall(cjson.decode, current)
    return ok and type(meta) == 'table' and meta['status'] == 'SUCCESS'
  end
  return false
end
local function store(key, value, ttl)
  if succeeded(key) then return 0 end
  redis.call('SETEX', key, ttl, value)
  redis.call('PUBLISH', key, value)
  return 1
end
