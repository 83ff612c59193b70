-- LPUSH as kombu does, plus the kombu binding (queue/ReliableQueue.publish), in one round trip.
-- KEYS: binding set, list. ARGV: binding member, message. Returns the list's length.
redis.call('SADD', KEYS[1], ARGV[1])
return redis.call('LPUSH', KEYS[2], ARGV[2])
