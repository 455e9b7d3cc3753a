-- Tenure audit (离任审计): the department-assessed items the audit team enters (they replace the configuration's
-- pre-filled figures), and the published audit pack, frozen as a snapshot with its sha256, title and 文号.
create table tenure_audit_figures (
  audit_id integer not null references tenure_audits (id) on delete cascade,
  figure text not null,
  value text not null,
  note text not null default '',
  entered_by integer references users (id),
  updated_at timestamptz not null default now(),
  primary key (audit_id, figure)
);

create table tenure_audit_publications (
  id serial primary key,
  audit_id integer not null references tenure_audits (id),
  title text not null,
  doc_number text not null,
  snapshot jsonb not null,
  content_hash text not null,
  published_by integer references users (id),
  published_at timestamptz not null default now()
);

create trigger tenure_audit_figures_data_version after insert or update or delete or truncate on tenure_audit_figures
  for each statement execute function bump_data_version();
create trigger tenure_audit_publications_data_version after insert or update or delete or truncate on tenure_audit_publications
  for each statement execute function bump_data_version();
