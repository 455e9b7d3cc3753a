-- The values a record had when it was last approved, kept through a return or a reopening, so that a reviewer
-- sees each field's change against the last approved version (上次审核通过), not only against the previous year.
alter table survey_records add column approved_values jsonb;
alter table survey_records add column approved_at timestamptz;
alter table survey_records add column approved_snapshot_by integer references users (id);
-- a record approved before this migration is locked: its values are the approved ones
update survey_records set approved_values = values where status = 'approved';
