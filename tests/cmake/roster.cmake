# The instructor roster (MODEL.md section 3) against an independent brute force.
parkplan_unit_test(test_roster test_roster.c)
