-- The staged rows of an import preview are written by this process and read back only by it (the preview page,
-- the commit), never queried inside: their diff and given values are kept as the JSON text sent (json) instead of
-- parsed into jsonb at staging and printed back at every read (jsonb_in and jsonb_out of 10,000 diffs per import,
-- measured by `npm run bench:import`), and compressed with lz4 where the server has it (as migration 017).
alter table import_batch_rows alter column diff type json using diff::json, alter column given type json using given::json;
do $$
begin
  alter table import_batch_rows alter column diff set compression lz4, alter column given set compression lz4;
exception when feature_not_supported then
  null;
end
$$;
