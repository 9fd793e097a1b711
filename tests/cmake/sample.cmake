# The sample park generator: `parkplanctl sample` against a real PostgreSQL.
# The city scale (200 000 enterprises) runs only with -DPARKPLAN_SLOW_TESTS=ON.
option(PARKPLAN_SLOW_TESTS "Also run the slow tests (city-scale sample park)" OFF)

add_test(NAME sample_cli COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_sample.sh cli)
set_tests_properties(sample_cli PROPERTIES ENVIRONMENT "${PARKPLAN_TEST_ENV}")

foreach(scale park district)
  add_test(NAME sample_${scale} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_sample.sh ${scale})
  set_tests_properties(sample_${scale} PROPERTIES FIXTURES_REQUIRED pg
                       ENVIRONMENT "${PARKPLAN_TEST_ENV}" TIMEOUT 600)
endforeach()

if(PARKPLAN_SLOW_TESTS)
  add_test(NAME sample_city COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_sample.sh city)
  set_tests_properties(sample_city PROPERTIES FIXTURES_REQUIRED pg
                       ENVIRONMENT "${PARKPLAN_TEST_ENV}" TIMEOUT 1800 LABELS slow)
endif()
