# parkpland: integration tests that drive the daemon and parkplanctl against
# the "pg" fixture; each test creates (and drops) its own database.
foreach(t replan notify invalid resilience control)
  add_test(NAME test_daemon_${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_daemon_${t}.sh)
  set_tests_properties(test_daemon_${t} PROPERTIES FIXTURES_REQUIRED pg
                       ENVIRONMENT "${PARKPLAN_TEST_ENV}" TIMEOUT 600)
endforeach()

# systemd notifications and socket activation need libsystemd in the build.
if(PARKPLAN_HAVE_SYSTEMD)
  add_test(NAME test_daemon_sdnotify
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/test_daemon_sdnotify.py)
  set_tests_properties(test_daemon_sdnotify PROPERTIES FIXTURES_REQUIRED pg
                       ENVIRONMENT "${PARKPLAN_TEST_ENV}" TIMEOUT 300)
endif()

# The configuration (daemon/config.c) as a unit: no loop, no database.
add_executable(test_daemon_config test_daemon_config.c ${CMAKE_SOURCE_DIR}/daemon/config.c
                                  ${CMAKE_SOURCE_DIR}/daemon/log.c)
target_include_directories(test_daemon_config PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
                           ${CMAKE_SOURCE_DIR}/daemon)
target_link_libraries(test_daemon_config PRIVATE PkgConfig::INIH PkgConfig::LIBEVENT
                      PkgConfig::JANSSON PostgreSQL::PostgreSQL)
add_test(NAME test_daemon_config COMMAND test_daemon_config)

# Two daemons on one database: the planner lock, standby, takeover after
# kill -9, a multi-host DSN.
add_test(NAME test_daemon_leader COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_daemon_leader.sh)
set_tests_properties(test_daemon_leader PROPERTIES FIXTURES_REQUIRED pg
                     ENVIRONMENT "${PARKPLAN_TEST_ENV}" TIMEOUT 600)

# A big run off the loop: status answers all through a district run (the
# latencies are printed); the solver's wall-clock deadline.
foreach(t busy deadline)
  add_test(NAME test_daemon_${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_daemon_${t}.sh)
  set_tests_properties(test_daemon_${t} PROPERTIES FIXTURES_REQUIRED pg
                       ENVIRONMENT "${PARKPLAN_TEST_ENV}" TIMEOUT 900)
endforeach()

# Structured journal entries with PARKPLAN_RUN / PARKPLAN_PLAN (libsystemd
# only; a fake journald socket in a private mount namespace, skipped when
# there are none).
if(PARKPLAN_HAVE_SYSTEMD)
  add_test(NAME test_daemon_journal
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/test_daemon_journal.py)
  set_tests_properties(test_daemon_journal PROPERTIES FIXTURES_REQUIRED pg
                       ENVIRONMENT "${PARKPLAN_TEST_ENV}" TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()

# PostgreSQL stopped and started under the daemon, idle and in the middle
# of a run, on a private server (the shared one serves other tests).
add_test(NAME test_daemon_pgrestart COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_daemon_pgrestart.sh)
set_tests_properties(test_daemon_pgrestart PROPERTIES FIXTURES_REQUIRED pg
                     ENVIRONMENT "${PARKPLAN_TEST_ENV}" TIMEOUT 600)

# Worker children on the daemon's loop (daemon/jobs.c): frames as they come,
# the exit through SIGCHLD, the deadline as a timer, a cancelled job.
add_executable(test_daemon_jobs test_daemon_jobs.c ${CMAKE_SOURCE_DIR}/daemon/jobs.c)
target_include_directories(test_daemon_jobs PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
                           ${CMAKE_SOURCE_DIR}/daemon)
target_link_libraries(test_daemon_jobs PRIVATE parkplan_worker PkgConfig::LIBEVENT
                      PkgConfig::JANSSON PostgreSQL::PostgreSQL)
add_test(NAME test_daemon_jobs COMMAND test_daemon_jobs)

# Daemon parts as units, now that they take their dependencies as
# arguments: the triggers (debounce, maximum delay, schedule) and the
# control socket (framing, limits, a client gone while its reply is
# pending), each on a real event loop.
add_executable(test_daemon_triggers test_daemon_triggers.c ${CMAKE_SOURCE_DIR}/daemon/triggers.c
               ${CMAKE_SOURCE_DIR}/daemon/store.c ${CMAKE_SOURCE_DIR}/daemon/db_conn.c
               ${CMAKE_SOURCE_DIR}/daemon/config.c ${CMAKE_SOURCE_DIR}/daemon/log.c)
add_executable(test_daemon_ctlsock test_daemon_ctlsock.c ${CMAKE_SOURCE_DIR}/daemon/ctlsock.c
               ${CMAKE_SOURCE_DIR}/daemon/config.c ${CMAKE_SOURCE_DIR}/daemon/log.c)
foreach(t triggers ctlsock)
  target_include_directories(test_daemon_${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
                             ${CMAKE_SOURCE_DIR}/daemon)
  target_link_libraries(test_daemon_${t} PRIVATE parkplan_db PkgConfig::INIH PkgConfig::LIBEVENT
                        PkgConfig::JANSSON PostgreSQL::PostgreSQL)
  add_test(NAME test_daemon_${t} COMMAND test_daemon_${t})
endforeach()
