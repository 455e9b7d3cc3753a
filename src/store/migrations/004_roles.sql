-- Finance officials and assessors are roles of their own: each has its home page and its rights.
alter table users drop constraint if exists users_role_check;
alter table users add constraint users_role_check
  check (role in ('admin', 'editor', 'reviewer', 'finance', 'assessor', 'viewer'));
