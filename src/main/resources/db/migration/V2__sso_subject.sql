-- Users that come from enterprise SSO (JWT) are matched by the token's subject, never by a local user's name.
alter table app_user add column sso_subject varchar(255);
create unique index app_user_sso_subject on app_user (sso_subject);
