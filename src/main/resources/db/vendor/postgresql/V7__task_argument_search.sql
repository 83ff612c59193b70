-- Substring search over task arguments (the dashboard's "argument text" filter) through a trigram index, so it stays
-- index-backed at millions of rows. pg_trgm ships with PostgreSQL; creating it needs the CREATE privilege on the
-- database. Without it, the search still works, as a scan, and this says so in the migration log.
do $$
begin
    create extension if not exists pg_trgm;
exception when insufficient_privilege then
    raise notice 'pg_trgm not available (%), task argument search will scan', sqlerrm;
end
$$;

do $$
begin
    if exists (select 1 from pg_extension where extname = 'pg_trgm') then
        create index task_call_args_trgm on task_call using gin (lower(args_json) gin_trgm_ops);
        create index task_call_kwargs_trgm on task_call using gin (lower(kwargs_json) gin_trgm_ops);
        create index task_id_trgm on task using gin (task_id gin_trgm_ops);
    end if;
end
$$;
