# parkplanctl's command lines: every verb's declared options, parsed by
# ctl/args.c, against expectations written by hand.  The test links all of
# parkplanctl but its main().
file(GLOB PARKPLAN_CTL_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/ctl/*.c)
list(REMOVE_ITEM PARKPLAN_CTL_SOURCES ${CMAKE_SOURCE_DIR}/ctl/main.c)
add_executable(test_ctl_args test_ctl_args.c ${PARKPLAN_CTL_SOURCES})
target_include_directories(test_ctl_args PRIVATE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/ctl)
target_link_libraries(test_ctl_args PRIVATE parkplan_db parkplan_worker parkplan_solver glpk::glpk m)
add_test(NAME test_ctl_args COMMAND test_ctl_args)
