# bench/plot.gp - seconds against scale, log axes, from bench/run's CSV:
#   gnuplot -e "csv='bench/results-DAY.csv'; out='bench/results-DAY.svg'" bench/plot.gp
# x: the sample's enterprises (park 5 000, district 50 000, city 200 000);
# y: the median seconds of each tool (parkplan's parts and whole solve,
# parkpland's re-plan end to end,
# LEMON alone on the pairing's network, CBC and glpsol on the LP files,
# the last two capped by their time limit).
set terminal svg size 900,560 dynamic font "sans,12"
set output out
set datafile separator ","
set logscale xy
set xlabel "enterprises in the sample (park, district, city)"
set ylabel "seconds (median)"
set key outside right top
set grid
set xrange [3000:300000]
# the CSV's rows of one tool (a line needs its points in a row of their own)
sel(t) = sprintf("< awk -F, '$4 == \"%s\"' '%s'", t, csv)
plot sel("solve") using 3:10 with linespoints lw 2 title "parkplan, whole solve", \
     sel("daemon_end") using 3:10 with linespoints lw 2 title "parkpland re-plan, end to end", \
     sel("pairing") using 3:10 with linespoints lw 2 title "parkplan pairing", \
     sel("roster") using 3:10 with linespoints lw 2 title "parkplan roster", \
     sel("lemon_ns") using 3:10 with linespoints dt 2 title "LEMON NetworkSimplex alone", \
     sel("lemon_cs") using 3:10 with linespoints dt 2 title "LEMON CostScaling alone", \
     sel("cbc_pairing") using 3:10 with linespoints dt 3 title "CBC, pairing", \
     sel("glpsol_pairing") using 3:10 with linespoints dt 3 title "glpsol, pairing", \
     sel("cbc_roster") using 3:10 with linespoints dt 4 title "CBC, roster", \
     sel("glpsol_roster") using 3:10 with linespoints dt 4 title "glpsol, roster"
