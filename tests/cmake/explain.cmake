# Explanations (solver/explain.c), the tables for people (solver/table.c) and the
# offline verbs solve and explain.

add_executable(test_explain test_explain.c)
target_include_directories(test_explain PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_explain PRIVATE parkplan_solver glpk::glpk m)
add_test(NAME test_explain
         COMMAND test_explain ${CMAKE_CURRENT_SOURCE_DIR}/data/explain_park.json)

add_executable(test_table test_table.c)
target_include_directories(test_table PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_table PRIVATE parkplan_solver)
add_test(NAME test_table COMMAND test_table)

add_test(NAME test_ctl_solve_explain
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_ctl_solve_explain.sh
                 $<TARGET_FILE:parkplanctl> ${CMAKE_CURRENT_SOURCE_DIR}/data)
