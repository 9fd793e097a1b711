# Crash isolation of the solver: GLPK errors, memory, CPU and wall-clock
# limits, killed children and garbage on the pipe, each turned into a clear
# error while the test process lives on.
parkplan_unit_test(test_isolate test_isolate.c)
# The CPU-limit case needs one second of CPU on a busy machine.
set_tests_properties(test_isolate PROPERTIES TIMEOUT 120)
