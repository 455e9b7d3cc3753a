-- A user's sessions end for good when they are deactivated or their password changes: each session
-- carries the epoch it was opened in, and a session of an older epoch is refused.
alter table users add column session_epoch integer not null default 0;
