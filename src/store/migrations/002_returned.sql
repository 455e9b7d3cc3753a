-- A returned (退回) or reopened record says why: the reason, who and when, until it is submitted again.
alter table survey_records add column returned_reason text;
alter table survey_records add column returned_action text check (returned_action in ('return', 'reopen'));
alter table survey_records add column returned_by integer references users (id);
alter table survey_records add column returned_at timestamptz;
