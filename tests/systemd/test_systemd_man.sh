#!/usr/bin/env bash
# The man pages: groff formats them without a warning, and they follow
# the code: every parkplanctl verb and long option (ctl/), every option
# of parkpland and its default configuration file (daemon/main.c), every
# setting with its default (daemon/config.c).
set -euo pipefail
. "$(dirname "$0")/test_systemd_lib.sh"
need groff

man=$PARKPLAN_SOURCE_DIR/docs/man
src=$PARKPLAN_SOURCE_DIR

for page in parkpland.8 parkplanctl.1 parkplan.conf.5; do
	out=$(LC_ALL=C.UTF-8 groff -man -ww -z "$man/$page" 2>&1) || true
	[ -z "$out" ] && ok "$page formats without warnings" || fail "$page: $out"
done

# Text of a page without roff escapes for "-" (read whole: grep -q on a
# pipe would break it, and pipefail would see that).
text() {
	sed -e 's/\\-/-/g' -e 's/\\e/\\/g' "$man/$1"
}
ctl_page=$(text parkplanctl.1)
daemon_page=$(text parkpland.8)

# parkplanctl: verbs from the rows of the verb table (.name in ctl/cmd_*.c),
# long options from every option a verb declares (.long_name in ctl/).
verbs=$(sed -n 's/^[[:space:]]*\.name = "\([a-z]*\)",.*/\1/p' "$src"/ctl/cmd_*.c | sort -u)
[ -n "$verbs" ] || fail "no verb read from ctl/cmd_*.c"
# the tags of the .TP entries, without fonts: "plans [--limit n]"
tags=$(awk 'tp { print; tp = 0 } /^\.TP/ { tp = 1 }' <<<"$ctl_page" |
	sed -e 's/\\f[BIRP]//g' -e 's/^\.[A-Z]* //' -e 's/"//g')
for v in $verbs; do
	grep -qE "^$v( |\$)" <<<"$tags" || fail "parkplanctl.1 has no entry for the verb $v"
done
longopts=$(grep -ho '\.long_name = "[a-z-]*"' "$src"/ctl/*.c |
	sed 's/.*"\([a-z-]*\)"/\1/' | sort -u)
[ -n "$longopts" ] || fail "no long option read from ctl/"
for o in $longopts; do
	grep -q -- "--$o\b" <<<"$ctl_page" || fail "parkplanctl.1 does not mention --$o"
done
ok "parkplanctl.1: $(echo $verbs | wc -w) verbs, $(echo $longopts | wc -w) long options checked"

# parkpland: the getopt letters and the default configuration file.
letters=$(sed -n 's/.*getopt\(_long\)\{0,1\}(argc, argv, "\([^"]*\)".*/\2/p' "$src/daemon/main.c" | tr -d ':')
[ -n "$letters" ] || fail "no getopt string in daemon/main.c"
for ((i = 0; i < ${#letters}; i++)); do
	l=${letters:i:1}
	grep -qE "^\.(B|BI|BR) \"?-$l\b" <<<"$daemon_page" || fail "parkpland.8 does not describe -$l"
done
for o in $(grep -o '{"[a-z-]*", [a-z_]*_argument' "$src/daemon/main.c" | sed 's/{"\([^"]*\)".*/\1/'); do
	grep -q -- "--$o\b" <<<"$daemon_page" || fail "parkpland.8 does not mention --$o"
done
default_conf=$(sed -n 's/^#define DEFAULT_CONFIG "\(.*\)"/\1/p' "$src/daemon/main.c")
# the -c entry says "Without -c, FILE is read when it exists"
man_default=$(grep -A2 '^Without$' "$man/parkpland.8" | sed -n 's/^\.I //p' | head -n 1)
[ -n "$default_conf" ] && [ "$man_default" = "$default_conf" ] &&
	ok "parkpland.8: options -$letters and the default file $default_conf" ||
	fail "parkpland.8 says -c defaults to '$man_default', daemon/main.c to '$default_conf'"
grep -qF 'CREDENTIALS_DIRECTORY' "$man/parkpland.8" && grep -qF 'PARKPLAN_DSN' "$man/parkpland.8" ||
	fail "parkpland.8 does not describe the DSN sources"

# parkplan.conf: every setting, in its section, with its default.
sed -n 's/^[[:space:]]*{"\([a-z]*\)", "\([a-z_]*\)", CONF_[A-Z]*, OFF([a-z_]*), "\([^"]*\)".*/\1 \2 \3/p' \
	"$src/daemon/config.c" >"${TMPDIR:-/tmp}/parkplan-man-$$"
trap 'rm -f "${TMPDIR:-/tmp}/parkplan-man-$$"' EXIT
n=0
while read -r sec key def; do
	n=$((n + 1))
	# the .SH of its section comes before its entry
	line=$(awk -v s="$sec" -v k="$key" '
		/^\.SH/ { cur = $0 }
		$0 ~ "^\\.BR " k " " && index(cur, "[" s "]") { print; exit }' "$man/parkplan.conf.5")
	line=$(echo "$line" | tr -d '"' | tr -s ' ')
	if [ -z "$line" ]; then
		fail "parkplan.conf.5 does not describe $key in [$sec]"
	elif [ -n "$def" ] && ! echo "$line" | grep -qE "\(default ${def//./\\.}( |,|;|\)|\$)"; then
		fail "parkplan.conf.5: $key: '$line' does not give the default $def"
	elif [ -z "$def" ] && ! echo "$line" | grep -qF '(default empty'; then
		fail "parkplan.conf.5: $key: '$line' does not say the default is empty"
	fi
done <"${TMPDIR:-/tmp}/parkplan-man-$$"
[ "$n" -ge 15 ] && ok "parkplan.conf.5: $n settings checked" || fail "only $n settings read"

finish
