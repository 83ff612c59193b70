-- Whether a task may run, after a blocking take (queue/ReliableQueue.status): 0 runnable, 1 revoked, 2 succeeded.
-- KEYS: the revoked set. ARGV: now (ms), result key prefix, task id.
-- uses: take
return status_of(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
