-- Stores a Celery result unless a SUCCESS is there (task/ResultBackend.store).
-- KEYS: result. ARGV: result, ttl (s). Returns 1 when written.
-- uses: result
return store(KEYS[1], ARGV[1], ARGV[2])
