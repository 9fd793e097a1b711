# The database side: migrations, constraints, NOTIFY triggers, the snapshot
# loader.  All need the "pg" fixture; each test creates its own database.
foreach(t migrate constraints snapshot)
  add_test(NAME test_db_${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_db_${t}.sh)
  set_tests_properties(test_db_${t} PROPERTIES FIXTURES_REQUIRED pg
                       ENVIRONMENT "${PARKPLAN_TEST_ENV}" TIMEOUT 120)
endforeach()

# C tests through the libpq interface of parkplan_db.
foreach(t notify loader)
  add_executable(test_db_${t} ${CMAKE_CURRENT_SOURCE_DIR}/test_db_${t}.c)
  target_include_directories(test_db_${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(test_db_${t} PRIVATE parkplan_db parkplan_solver glpk::glpk m)
  add_test(NAME test_db_${t} COMMAND test_db_${t})
  set_tests_properties(test_db_${t} PROPERTIES FIXTURES_REQUIRED pg
                       ENVIRONMENT "${PARKPLAN_TEST_ENV}" TIMEOUT 60)
endforeach()

# The COPY text escaper, without a database.
add_executable(test_copytext ${CMAKE_CURRENT_SOURCE_DIR}/test_copytext.c)
target_include_directories(test_copytext PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_copytext PRIVATE parkplan_db)
add_test(NAME test_copytext COMMAND test_copytext)
