-- Versioned method documents other than coefficient sets (assessment schemes …): the file's content as
-- JSON with its hash; a published version never changes (a changed file is refused at load).
create table method_documents (
  kind text not null,
  id text not null,
  version text not null,
  status text not null check (status in ('draft', 'published')),
  content jsonb not null,
  content_hash text not null,
  origin text not null check (origin in ('file', 'app')),
  created_at timestamptz not null default now(),
  published_at timestamptz,
  primary key (kind, id, version)
);

-- Figures a department enters for the assessment (a score, a share, a count of events) with its
-- evidence; only approved figures are scored. Every change has its audit event.
create table assessment_figures (
  township_id text not null references townships (id),
  year integer not null,
  figure text not null,
  value text not null,
  department_zh text not null,
  department_en text not null,
  evidence text not null default '',
  status text not null check (status in ('submitted', 'approved')),
  entered_by integer references users (id),
  approved_by integer references users (id),
  updated_at timestamptz not null default now(),
  primary key (township_id, year, figure)
);

-- Funds split over townships by a rule (the validated fund document as JSON).
create table funds (
  id serial primary key,
  name_zh text not null,
  name_en text not null,
  year integer not null,
  document jsonb not null,
  content_hash text not null,
  sample boolean not null default false,
  created_by integer references users (id),
  created_at timestamptz not null default now()
);

-- Published assessment results and fund allocations: frozen snapshots with a content hash.
create table published_decisions (
  id serial primary key,
  kind text not null check (kind in ('assessment', 'allocation')),
  year integer not null,
  ref text not null,
  snapshot jsonb not null,
  content_hash text not null,
  published_by integer references users (id),
  published_at timestamptz not null default now()
);
