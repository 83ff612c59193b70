-- A worker's one round trip between two tasks (queue/ReliableQueue.finish): stores the finished task's result (never
-- over a SUCCESS), acks its message, sends its live event (after its withheld started event, when there is one) and
-- takes the next message as take_first does.
-- KEYS: processing list, result, revoked set, the 4 priority lists, then the events' key pairs (history, channel).
-- ARGV: raw message, result, ttl, now (ms), result key prefix, take next (1/0), event cap, event ttl (ms), event,
-- started event ('' for none). Returns the next message as take_first does, or {}.
-- uses: result, take, emit
store(KEYS[2], ARGV[2], ARGV[3])
redis.call('LREM', KEYS[1], 1, ARGV[1])
if #KEYS > 7 then
  if ARGV[10] ~= '' then emit(8, #KEYS, ARGV[7], ARGV[8], ARGV[10], 1) end
  emit(8, #KEYS, ARGV[7], ARGV[8], ARGV[9])
end
if ARGV[6] == '1' then return take_first(4, 7, KEYS[1], KEYS[3], ARGV[4], ARGV[5]) end
return {}
