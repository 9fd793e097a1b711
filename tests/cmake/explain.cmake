# Explanations (solver/explain*.c), the tables for people (ctl/table.c,
# ctl/print_explain.c) and the offline verbs solve and explain.
set(PARKPLAN_CTL_DIR ${CMAKE_SOURCE_DIR}/ctl)

add_executable(test_explain test_explain.c ${PARKPLAN_CTL_DIR}/print_explain.c
                            ${PARKPLAN_CTL_DIR}/table.c)
target_include_directories(test_explain PRIVATE ${CMAKE_CURRENT_SOURCE_DIR} ${PARKPLAN_CTL_DIR})
target_link_libraries(test_explain PRIVATE parkplan_solver glpk::glpk m)
add_test(NAME test_explain
         COMMAND test_explain ${CMAKE_CURRENT_SOURCE_DIR}/data/explain_park.json)

add_executable(test_table test_table.c ${PARKPLAN_CTL_DIR}/table.c)
target_include_directories(test_table PRIVATE ${CMAKE_CURRENT_SOURCE_DIR} ${PARKPLAN_CTL_DIR})
add_test(NAME test_table COMMAND test_table)

add_test(NAME test_ctl_solve_explain
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_ctl_solve_explain.sh
                 $<TARGET_FILE:parkplanctl> ${CMAKE_CURRENT_SOURCE_DIR}/data)
