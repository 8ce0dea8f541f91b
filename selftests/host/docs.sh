#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The documentation, on the host: every Documentation/*.rst parses
# without a docutils warning (malformed tables and short title lines
# render as garbage), every module parameter is described in vcmp.4 and
# vcmp.rst, and every counter of "ethtool -S" in vcmp.rst. Prints KTAP.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
py=/usr/bin/python3

echo "KTAP version 1"
echo "1..3"
failed=0

# 1: docutils, warnings and worse (a code block's unknown lexer aside).
out=$("$py" - "$src"/Documentation/*.rst <<'PY' 2>&1
import sys
import docutils.core

bad = 0
for f in sys.argv[1:]:
    settings = {'report_level': 5, 'halt_level': 5}
    parts = docutils.core.publish_doctree(
        open(f).read(), source_path=f, settings_overrides=settings)
    for m in parts.traverse(lambda n: n.tagname == 'system_message'):
        if int(m['level']) >= 2 and 'Pygments' not in m.astext():
            print('%s:%s: %s' % (f, m.get('line', '?'),
                                 m.astext().splitlines()[0]))
            bad += 1
sys.exit(1 if bad else 0)
PY
)
rc=$?
if [ $rc -eq 0 ]; then
	echo "ok 1 Documentation/*.rst parse without warnings"
else
	echo "$out" | sed 's/^/# /'
	echo "not ok 1 Documentation/*.rst parse without warnings"
	failed=1
fi

# 2: module parameters.
missing=""
for p in $(grep -ho 'module_param(\w*' "$src"/kernel/*.c | sed 's/module_param(//'); do
	grep -qw -- "$p" "$src/Documentation/vcmp.4" || missing="$missing vcmp.4:$p"
	grep -qw -- "$p" "$src/Documentation/vcmp.rst" || missing="$missing vcmp.rst:$p"
done
if [ -z "$missing" ]; then
	echo "ok 2 every module parameter in vcmp.4 and vcmp.rst"
else
	echo "# undocumented:$missing"
	echo "not ok 2 every module parameter in vcmp.4 and vcmp.rst"
	failed=1
fi

# 3: counters (the names stats.c gives ethtool -S).
missing=""
for c in $(grep -o '= "[a-z0-9_]*"' "$src/kernel/stats.c" | tr -d '="'); do
	grep -q -- "^$c\b\|\`\`$c\`\`" "$src/Documentation/vcmp.rst" ||
		missing="$missing $c"
done
if [ -z "$missing" ]; then
	echo "ok 3 every ethtool -S counter in vcmp.rst"
else
	echo "# undocumented:$missing"
	echo "not ok 3 every ethtool -S counter in vcmp.rst"
	failed=1
fi
exit $failed
