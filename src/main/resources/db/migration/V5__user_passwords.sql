-- Dashboard sign-in: a password hash per user (Spring Security's encoder, "{bcrypt}..."), null = no password sign-in.
alter table app_user add column password_hash varchar(255);
