-- A test fixture: uses its partner, which uses it back.
-- uses: cycle-b
return 1
