-- Compare-and-delete: releases a lease only while this token holds it (lock/LeaseLockRepository).
-- KEYS: lock. ARGV: token. Returns 1 when released.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
