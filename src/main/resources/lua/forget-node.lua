-- Forgets a node only when it is dead and owes nothing (queue/NodeRegistry.forgetIfDeadAndEmpty).
-- KEYS: heartbeat, processing list, node set. ARGV: node. Returns 1 when forgotten.
if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('LLEN', KEYS[2]) == 0 then
  return redis.call('SREM', KEYS[3], ARGV[1])
end
return 0
