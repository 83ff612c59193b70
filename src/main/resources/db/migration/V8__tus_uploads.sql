-- Resumable uploads (tus 1.0): one row per upload while its bytes arrive. The bytes are in the media store's staging
-- folder (.incoming/tus-<id>.part); upload_offset is how many of them are known good. Once complete, the row names the
-- video and task the upload became, until the cleanup schedule removes it after it expires.
create table tus_upload (
    id             varchar(36)  primary key,
    owner_id       bigint       not null references app_user (id),
    upload_length  bigint       not null,
    upload_offset  bigint       not null,
    file_name      varchar(255) not null,
    title          varchar(255),
    -- the Upload-Metadata header as the client sent it, echoed on HEAD
    metadata       varchar(4096) not null,
    created_at     timestamp with time zone not null,
    expires_at     timestamp with time zone not null,
    video_id       bigint,
    task_id        varchar(64)
);
create index tus_upload_expires on tus_upload (expires_at);
