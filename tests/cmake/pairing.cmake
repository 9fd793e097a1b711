# The pairing model (MODEL.md section 2) against an independent brute force.
parkplan_unit_test(test_pairing test_pairing.c)
set_tests_properties(test_pairing PROPERTIES TIMEOUT 600)
