-- Substring search over task arguments (the dashboard's "argument text" filter) and task id prefixes through trigram
-- indexes, so they stay index-backed at millions of rows. pg_trgm ships with PostgreSQL; creating it needs the CREATE
-- privilege on the database. Without it, the search still works, as a scan, and the migration log says so. The
-- extension lives in one schema per database (public when there is one); the operator class is named with it, so
-- a schema that is not on the search path still gets its indexes.
do $$
begin
    if exists (select 1 from pg_namespace where nspname = 'public') then
        create extension if not exists pg_trgm schema public;
    else
        create extension if not exists pg_trgm;
    end if;
exception when insufficient_privilege then
    raise notice 'pg_trgm not available (%), task argument search will scan', sqlerrm;
end
$$;

do $$
declare
    ops text;
begin
    select quote_ident(n.nspname) || '.gin_trgm_ops' into ops
    from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'pg_trgm';
    if ops is not null then
        execute 'create index task_call_args_trgm on task_call using gin (lower(args_json) ' || ops || ')';
        execute 'create index task_call_kwargs_trgm on task_call using gin (lower(kwargs_json) ' || ops || ')';
        execute 'create index task_id_trgm on task using gin (task_id ' || ops || ')';
    end if;
end
$$;
