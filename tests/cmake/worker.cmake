# Work in a child process (worker/): the framing of the pipe, reaping, and
# the solve's crash isolation: GLPK errors, memory, CPU and wall-clock
# limits, killed children and garbage on the pipe, each turned into a clear
# error while the test process lives on.
foreach(t solve limits)
  parkplan_unit_test(test_worker_${t} test_worker_${t}.c)
  target_link_libraries(test_worker_${t} PRIVATE parkplan_worker)
endforeach()
# The CPU-limit case needs one second of CPU on a busy machine.
set_tests_properties(test_worker_solve test_worker_limits PROPERTIES TIMEOUT 120)

# The framing (a frame cut short, over the bound, many in one read, split
# anywhere) and how a worker's child ended, blocking.
parkplan_unit_test(test_worker_frame test_worker_frame.c)
target_link_libraries(test_worker_frame PRIVATE parkplan_worker)
