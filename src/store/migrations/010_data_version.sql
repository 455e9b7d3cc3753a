-- One number that changes whenever data a page is made from changes (settings, region, townships, coefficient
-- sets, survey records, transitions, published reports), in any process: caches of queries, report models and
-- rendered pages are keyed by it. Bumped once per statement, so a bulk import costs one update.
create table data_version (
  id integer primary key check (id = 1),
  n bigint not null
);
insert into data_version (id, n) values (1, 0);

create function bump_data_version() returns trigger language plpgsql as $$
begin
  update data_version set n = n + 1 where id = 1;
  return null;
end
$$;

create trigger settings_data_version after insert or update or delete or truncate on settings
  for each statement execute function bump_data_version();
create trigger regions_data_version after insert or update or delete or truncate on regions
  for each statement execute function bump_data_version();
create trigger townships_data_version after insert or update or delete or truncate on townships
  for each statement execute function bump_data_version();
create trigger coefficient_sets_data_version after insert or update or delete or truncate on coefficient_sets
  for each statement execute function bump_data_version();
create trigger survey_records_data_version after insert or update or delete or truncate on survey_records
  for each statement execute function bump_data_version();
create trigger transitions_data_version after insert or update or delete or truncate on transitions
  for each statement execute function bump_data_version();
create trigger published_reports_data_version after insert or update or delete or truncate on published_reports
  for each statement execute function bump_data_version();
-- township maps on the comparison and GEP report pages
create trigger township_boundaries_data_version after insert or update or delete or truncate on township_boundaries
  for each statement execute function bump_data_version();
