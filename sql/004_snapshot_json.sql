-- parkplan schema, version 4: the snapshot a run planned from is kept as
-- json, the text as the daemon wrote it, no longer as jsonb.  Nothing
-- looks inside it in SQL: it is read back whole (parkplanctl snapshot
-- PLAN, explain, the report), and parsed by parkplan.  jsonb parsed a
-- city's 53 MB on every store (5.4 s of COPY, against 1.75 s for json's
-- check), the larger part of a city re-plan's store.
ALTER TABLE plan_snapshot ALTER COLUMN snapshot TYPE json USING snapshot::json;
