-- A task's STARTED result (never over a SUCCESS) and its live event (queue/ReliableQueue.started).
-- KEYS: result, then the event's key pairs. ARGV: result, ttl, event cap, event ttl (ms), event.
-- uses: result, emit
store(KEYS[1], ARGV[1], ARGV[2])
if #KEYS > 1 then emit(2, #KEYS, ARGV[3], ARGV[4], ARGV[5]) end
return 1
