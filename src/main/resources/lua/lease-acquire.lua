-- SET NX PX, except that a lease whose holder's node has no heartbeat is void and taken over
-- (lock/LeaseLockRepository.add): a recovered task must not wait out the lease of the node that died running it.
-- Tokens are <task>@<node>#<nonce>. KEYS: lock. ARGV: token, lease (ms), heartbeat key prefix.
-- Returns 0 when held by a live node, 1 when taken, 2 when taken over.
local current = redis.call('GET', KEYS[1])
if current then
  local at = string.find(current, '@', 1, true)
  local hash = at and string.find(current, '#', at, true)
  if not (at and hash) then return 0 end
  local owner = string.sub(current, at + 1, hash - 1)
  if redis.call('EXISTS', ARGV[3] .. owner) == 1 then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return current and 2 or 1
