-- GEP Ledger schema, version 1. Exact figures are numeric or decimal strings in jsonb, never floats.

create table users (
  id serial primary key,
  username text not null unique,
  display_name text not null,
  role text not null check (role in ('admin', 'editor', 'reviewer', 'viewer')),
  password_hash text not null,
  active boolean not null default true,
  created_at timestamptz not null default now()
);

-- express-session store (connect-pg-simple's layout)
create table session (
  sid varchar not null primary key,
  sess json not null,
  expire timestamp(6) not null
);
create index session_expire on session (expire);

create table rate_limits (
  key text primary key,
  hits integer not null,
  reset_at timestamptz not null
);

create table settings (
  key text primary key,
  value jsonb not null
);

create table regions (
  id text primary key,
  name_zh text not null,
  name_en text not null,
  sample boolean not null default false
);

create table townships (
  id text primary key,
  region_id text not null references regions (id),
  name_zh text not null,
  name_en text not null,
  kind text not null check (kind in ('subdistrict', 'town', 'township')),
  area_km2 numeric not null check (area_km2 > 0),
  sort integer not null default 0
);

-- Coefficient sets: the YAML file's content as JSON; a published version never changes.
create table coefficient_sets (
  id text not null,
  version text not null,
  status text not null check (status in ('draft', 'published')),
  content jsonb not null,
  content_hash text not null,
  origin text not null check (origin in ('file', 'app')),
  created_by integer references users (id),
  created_at timestamptz not null default now(),
  published_at timestamptz,
  primary key (id, version)
);

-- One survey record per township and year: input id → decimal string (or land class → decimal string).
create table survey_records (
  township_id text not null references townships (id),
  year integer not null,
  set_id text not null,
  set_version text not null,
  values jsonb not null,
  overrides jsonb not null default '{}',
  status text not null check (status in ('draft', 'submitted', 'approved')),
  version integer not null default 1,
  updated_by integer references users (id),
  updated_at timestamptz not null default now(),
  submitted_by integer references users (id),
  approved_by integer references users (id),
  primary key (township_id, year),
  foreign key (set_id, set_version) references coefficient_sets (id, version)
);

create table transitions (
  township_id text not null references townships (id),
  from_year integer not null,
  to_year integer not null check (to_year > from_year),
  unit text not null,
  matrix jsonb not null,
  version integer not null default 1,
  updated_by integer references users (id),
  updated_at timestamptz not null default now(),
  primary key (township_id, from_year, to_year)
);

-- Append-only: the app never updates or deletes a row here.
create table audit_events (
  id bigserial primary key,
  at timestamptz not null default now(),
  user_id integer references users (id),
  username text,
  action text not null,
  entity text not null,
  entity_key text not null,
  township_id text,
  year integer,
  old_value jsonb,
  new_value jsonb,
  note text
);
create index audit_events_filter on audit_events (township_id, year, user_id);

-- Published reports: numbered, immutable snapshots (inputs, resolved set, results, content hash).
create table published_reports (
  id serial primary key,
  kind text not null,
  scope text not null,
  year integer not null,
  compare_year integer,
  set_id text not null,
  set_version text not null,
  profile text not null,
  snapshot jsonb not null,
  content_hash text not null,
  published_by integer references users (id),
  published_at timestamptz not null default now(),
  foreign key (set_id, set_version) references coefficient_sets (id, version)
);

-- An import waiting for its preview to be confirmed: kept in the database, not in a process.
create table import_batches (
  id serial primary key,
  user_id integer not null references users (id),
  created_at timestamptz not null default now(),
  file_name text not null,
  set_id text not null,
  set_version text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'committed', 'discarded'))
);
