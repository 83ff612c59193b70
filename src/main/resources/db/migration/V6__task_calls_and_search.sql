-- The call behind each kept task row: its arguments as sent (not Celery's truncated argsrepr), so the dashboard can
-- show them, search them and retry the task with exactly them; and its place in a workflow (parent, root, group).
create table task_call (
    task_id      varchar(64) primary key references task (task_id) on delete cascade,
    args_json    varchar(1048576),
    kwargs_json  varchar(1048576),
    -- true when the arguments were over the size kept (1 MiB of JSON each): shown as such, never retried
    too_large    boolean not null default false,
    parent_id    varchar(64),
    root_id      varchar(64),
    group_id     varchar(64),
    eta          timestamp with time zone,
    priority     integer,
    -- set on a task sent by the dashboard's "retry": the failed task whose call it repeats
    retry_of     varchar(64)
);
create index task_call_parent on task_call (parent_id);

-- The task list's keyset pagination (newest first) and its filters, each index-backed.
create index task_created on task (created_at, task_id);
create index task_name_created on task (name, created_at);
create index task_state_created on task (state, created_at);
create index task_queue_created on task (queue, created_at);
create index task_worker_created on task (worker, created_at);
