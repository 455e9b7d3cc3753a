-- A clerk bound to townships and/or responsible departments (责任单位, the departments a set's inputs name)
-- edits only those townships' records and those departments' fields; empty lists: no restriction.
alter table users add column townships jsonb not null default '[]';
alter table users add column departments jsonb not null default '[]';

-- A published report carries the title and the document number (文号) it was issued under.
alter table published_reports add column title text;
alter table published_reports add column doc_number text;
