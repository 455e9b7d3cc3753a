-- The rows of an import's preview, one per township-year of the file, so the preview is paged and summarised per
-- township from the database instead of one page of every change. A row says what importing it does (a new
-- record, a changed one, unchanged, skipped because the record is submitted or approved, or blank), its field
-- changes (field numbers into the batch's list of fields, old and new values: the commit writes the new ones), and for
-- a row to write, the external quantities it gives and the version of the record it was checked against.
-- The rows of a committed or discarded batch are deleted; its per-township summary stays in the batch's payload.
create table import_batch_rows (
  batch_id integer not null references import_batches (id) on delete cascade,
  n integer not null,
  sheet text,
  file_row integer,
  township_id text not null,
  year integer not null,
  outcome text not null check (outcome in ('new', 'changed', 'unchanged', 'locked', 'blank')),
  -- of a locked row: the stored record's status (submitted or approved)
  status text,
  diff jsonb not null,
  -- of a new or changed row: the external quantities the file gives ({overrides}), in the components' units
  given jsonb,
  expected_version integer,
  primary key (batch_id, n)
);
create index import_batch_rows_township on import_batch_rows (batch_id, township_id, n);
