-- Where the server has no lz4 (the embedded database; PostgreSQL got it in migrations 017 and 018), the survey
-- values, the audit events' values and the staged import rows (2–5 kB of JSON each; an import writes 10,000 of
-- each) are stored uncompressed when their row fits in a page: pglz compressing them was a fifth of an import's
-- commit there, and its decompressing the reads of them (measured by `npm run bench:import`). toast_tuple_target
-- is the row length from which the server compresses; at 8160 (its largest, a page less its header) only a longer
-- row is compressed. Rows already stored keep their compression; reading them is the same.
do $$
begin
  if (select attcompression from pg_attribute
      where attrelid = 'survey_records'::regclass and attname = 'values') <> 'l' then
    alter table survey_records set (toast_tuple_target = 8160);
    alter table audit_events set (toast_tuple_target = 8160);
    alter table import_batch_rows set (toast_tuple_target = 8160);
  end if;
end
$$;
