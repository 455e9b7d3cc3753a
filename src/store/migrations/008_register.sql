-- The eco-product register (生态产品目录清单), its evidence documents, the value-realisation ledger
-- (procurement, trades, eco-bank packages, rights, compensation) and published snapshots of the list.
-- Entries and realisations go draft → submitted → approved like survey data; figures are decimal strings.
create table register_entries (
  id serial primary key,
  township_id text not null references townships (id),
  product text not null,
  data jsonb not null,
  status text not null default 'draft' check (status in ('draft', 'submitted', 'approved')),
  version integer not null default 1,
  updated_by integer references users (id),
  updated_at timestamptz not null default now(),
  submitted_by integer references users (id),
  approved_by integer references users (id),
  returned_reason text
);

-- Evidence documents of an entry (权属证明, 合同, 照片, 台账), kept in the database: at most 10 MB each.
create table register_evidence (
  id serial primary key,
  entry_id integer not null references register_entries (id),
  file_name text not null,
  media_type text not null check (media_type in ('application/pdf', 'image/jpeg', 'image/png',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')),
  size_bytes integer not null check (size_bytes > 0 and size_bytes <= 10485760),
  sha256 text not null,
  content bytea not null,
  uploaded_by integer references users (id),
  uploaded_at timestamptz not null default now()
);
create index register_evidence_entry on register_evidence (entry_id);

create table realisations (
  id serial primary key,
  kind text not null check (kind in ('procurement', 'trade', 'eco_bank', 'carbon', 'emission_right', 'compensation')),
  year integer not null,
  product text not null,
  amount numeric not null check (amount >= 0),
  data jsonb not null,
  status text not null default 'draft' check (status in ('draft', 'submitted', 'approved')),
  version integer not null default 1,
  updated_by integer references users (id),
  updated_at timestamptz not null default now(),
  submitted_by integer references users (id),
  approved_by integer references users (id),
  returned_reason text
);

-- Which register entries a realisation draws on.
create table realisation_entries (
  realisation_id integer not null references realisations (id),
  entry_id integer not null references register_entries (id),
  primary key (realisation_id, entry_id)
);

-- The published list (目录清单): a numbered, frozen snapshot of the approved register with its figures.
create table published_registers (
  id serial primary key,
  year integer not null,
  snapshot jsonb not null,
  content_hash text not null,
  published_by integer references users (id),
  published_at timestamptz not null default now()
);
