# The park-scale proof: the sample park from PostgreSQL, snapshot, solved
# twice, both parts proven optimal, the same plan twice, and the plan checked
# against MODEL.md by an independent Python recomputation
# (tests/park_plan_check.py).
add_test(NAME test_park_solve COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_park_solve.sh)
set_tests_properties(test_park_solve PROPERTIES FIXTURES_REQUIRED pg
                     ENVIRONMENT "${PARKPLAN_TEST_ENV}" TIMEOUT 300)
