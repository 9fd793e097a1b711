# The snapshot and plan documents and the validation of a snapshot (its
# problems printed as parkplanctl prints them: ctl/print.c).
parkplan_unit_test(test_snapshot_json test_snapshot_json.c)
parkplan_unit_test(test_validate test_validate.c ${CMAKE_SOURCE_DIR}/ctl/print.c
                   ${CMAKE_SOURCE_DIR}/ctl/table.c)
target_include_directories(test_validate PRIVATE ${CMAKE_SOURCE_DIR}/ctl)
parkplan_unit_test(test_plan_json test_plan_json.c)
add_test(NAME test_model_example COMMAND ${CMAKE_COMMAND} -E env PARKPLANCTL=$<TARGET_FILE:parkplanctl> bash ${CMAKE_CURRENT_SOURCE_DIR}/test_model_example.sh ${CMAKE_SOURCE_DIR}/docs/examples)
