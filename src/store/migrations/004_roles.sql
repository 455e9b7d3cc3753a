-- Finance officials and assessors are roles of their own: each has its home page and its rights.
alter table users drop constraint if exists users_role_check;
alter table users add constraint users_role_check
  check (role in ('admin', 'editor', 'reviewer', 'finance', 'assessor', 'viewer'));

-- 行政区划代码 (GB/T 2260 county + 3-digit township code, as in the NBS 统计用区划代码): survey layers (三调 ZLDWDM)
-- and imports name townships by it.
alter table regions add column admin_code text unique check (admin_code ~ '^[0-9]{6}$');
alter table townships add column admin_code text unique check (admin_code ~ '^[0-9]{9}$');
