-- The survey values and the audit events' old and new values (2–5 kB of JSON each, an import writes 10,000 of
-- both) are compressed with lz4 instead of pglz where the server has it: pglz took half the time PostgreSQL spent
-- writing them (measured by `npm run bench:import`). Values already stored keep their compression; reading is
-- the same. The embedded database has no lz4: there nothing changes.
do $$
begin
  alter table survey_records alter column values set compression lz4;
  alter table audit_events alter column old_value set compression lz4, alter column new_value set compression lz4;
exception when feature_not_supported then
  null;
end
$$;
