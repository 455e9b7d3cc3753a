-- An upload's rows are staged as the file is read, each part in a statement (and a transaction) of its own, into a
-- batch in status 'staging' that no page shows and no commit takes; it becomes 'pending' when the whole file has been
-- read and checked, or is deleted with its rows when the file is refused. No transaction is held open while a file
-- is read (on the embedded database, one connection, that would hold up every other request).
alter table import_batches drop constraint import_batches_status_check;
alter table import_batches add constraint import_batches_status_check
  check (status in ('staging', 'pending', 'committed', 'discarded'));
