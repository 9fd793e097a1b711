-- parkplan schema, version 2: a stored plan says how each part was solved
-- (docs/model.md §4: "method", "seconds", "memory_budget_mib"), as the plan
-- document does, so that the report and the API show it for stored plans
-- too.  Runs stored before this version have NULL here.

ALTER TABLE plan_run
    ADD COLUMN pairing_method text CHECK (length(pairing_method) <= 64),
    ADD COLUMN pairing_seconds double precision CHECK (pairing_seconds >= 0),
    ADD COLUMN roster_method text CHECK (length(roster_method) <= 64),
    ADD COLUMN roster_seconds double precision CHECK (roster_seconds >= 0),
    ADD COLUMN roster_memory_budget_mib double precision
        CHECK (roster_memory_budget_mib >= 0);
