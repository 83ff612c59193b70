-- Extends a lease only while this token holds it (lock/LeaseLockRepository).
-- KEYS: lock. ARGV: token, lease (ms). Returns 1 when renewed.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
