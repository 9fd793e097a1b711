# The snapshot and plan documents and the validation of a snapshot.
parkplan_unit_test(test_snapshot_json test_snapshot_json.c)
parkplan_unit_test(test_validate test_validate.c)
parkplan_unit_test(test_plan_json test_plan_json.c)
