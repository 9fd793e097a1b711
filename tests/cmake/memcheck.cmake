# valgrind's memcheck on a representative set: the validation, both models
# and the plan document, and `parkplanctl solve` (parent and solver child)
# on the small park.  Any memory error or definite leak fails the test.
# Skipped (exit 77) in a sanitizer build and when valgrind is not installed.
# Label "memcheck": `ctest -L memcheck` runs only these, -LE skips them.
set(PARKPLAN_MEMCHECK ${CMAKE_CURRENT_SOURCE_DIR}/memcheck.sh $<BOOL:${PARKPLAN_SANITIZE}>)

foreach(t validate pairing plan_json)
  add_test(NAME memcheck_${t} COMMAND bash ${PARKPLAN_MEMCHECK} $<TARGET_FILE:test_${t}>)
endforeach()
# 100 random rosters and no minutes-long branch and bound (test_roster.c).
add_test(NAME memcheck_roster
         COMMAND bash ${PARKPLAN_MEMCHECK} $<TARGET_FILE:test_roster> 100 quick)
add_test(NAME memcheck_solve
         COMMAND bash ${PARKPLAN_MEMCHECK} $<TARGET_FILE:parkplanctl> solve --quiet
                 --input ${CMAKE_CURRENT_SOURCE_DIR}/data/explain_park.json)

set_tests_properties(memcheck_validate memcheck_pairing memcheck_roster memcheck_plan_json
                     memcheck_solve PROPERTIES SKIP_RETURN_CODE 77 LABELS memcheck TIMEOUT 600)
