# Installing and running parkplan under systemd (systemd/, docs/man/):
# a staged installation (DESTDIR, prefix /usr) that the other tests read.
# No PostgreSQL needed.  A test that lacks a tool (systemd-analyze,
# strace, ...) says so and is reported as skipped (exit 77).
set(PARKPLAN_STAGE "${CMAKE_BINARY_DIR}/systemd-stage")
set(PARKPLAN_SYSTEMD_TEST_ENV
    "PARKPLAN_STAGE=${PARKPLAN_STAGE}"
    "PARKPLAN_SOURCE_DIR=${CMAKE_SOURCE_DIR}"
    "PARKPLAN_BUILD_DIR=${CMAKE_BINARY_DIR}"
    "PARKPLAND=$<TARGET_FILE:parkpland>"
    "PARKPLANCTL=$<TARGET_FILE:parkplanctl>"
    "CMAKE_COMMAND=${CMAKE_COMMAND}"
    "PARKPLAN_HAVE_SYSTEMD=${PARKPLAN_HAVE_SYSTEMD}")

add_test(NAME systemd_stage
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_systemd_stage.sh)
set_tests_properties(systemd_stage PROPERTIES FIXTURES_SETUP systemd_stage
                     ENVIRONMENT "${PARKPLAN_SYSTEMD_TEST_ENV}" TIMEOUT 120)

foreach(t install verify security users config man activation)
  add_test(NAME test_systemd_${t}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_systemd_${t}.sh)
  set_tests_properties(test_systemd_${t} PROPERTIES FIXTURES_REQUIRED systemd_stage
                       ENVIRONMENT "${PARKPLAN_SYSTEMD_TEST_ENV}" SKIP_RETURN_CODE 77
                       TIMEOUT 120)
endforeach()

# Every system call parkpland and the solver child make, traced, against
# the unit's SystemCallFilter=.  The sanitizers make calls of their own.
if(NOT PARKPLAN_SANITIZE)
  add_test(NAME test_systemd_syscalls
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_systemd_syscalls.sh)
  set_tests_properties(test_systemd_syscalls PROPERTIES FIXTURES_REQUIRED systemd_stage
                       ENVIRONMENT "${PARKPLAN_SYSTEMD_TEST_ENV}" SKIP_RETURN_CODE 77
                       TIMEOUT 300)
endif()
