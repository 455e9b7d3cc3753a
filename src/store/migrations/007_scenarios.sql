-- Project and plan appraisal by land-use scenario (项目生态产品价值影响评估) and the tenure audit (离任审计).
-- A project names its baseline (year, townships, coefficient set) and the appraisal parameters; each alternative
-- (情景方案) is saved as numbered versions: a new save adds a version, none is overwritten.
create table scenario_projects (
  id serial primary key,
  name text not null unique,
  description text not null default '',
  kind text not null default 'project' check (kind in ('project', 'plan')),
  year integer not null,
  townships jsonb not null,
  set_id text not null,
  set_version text not null,
  profile text not null,
  constant_price_year integer not null,
  rate numeric not null,
  horizon integer not null,
  sample boolean not null default false,
  created_by integer references users (id),
  created_at timestamptz not null default now()
);

create table scenario_versions (
  id serial primary key,
  project_id integer not null references scenario_projects (id) on delete cascade,
  name text not null,
  version integer not null,
  spec jsonb not null,
  note text not null default '',
  created_by integer references users (id),
  created_at timestamptz not null default now(),
  unique (project_id, name, version)
);

-- A published appraisal table: frozen (the table as computed, the inputs it came from, a content hash).
create table scenario_publications (
  id serial primary key,
  project_id integer not null references scenario_projects (id),
  scenario_version_id integer not null references scenario_versions (id),
  snapshot jsonb not null,
  content_hash text not null,
  published_by integer references users (id),
  published_at timestamptz not null default now()
);

-- A tenure audit: scope (the region or a township) and tenure years; the figures are computed from approved data.
create table tenure_audits (
  id serial primary key,
  name text not null unique,
  official text not null default '',
  scope text not null,
  start_year integer not null,
  end_year integer not null check (end_year > start_year),
  config_id text not null,
  sample boolean not null default false,
  created_by integer references users (id),
  created_at timestamptz not null default now()
);
