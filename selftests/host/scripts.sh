#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The project's shell scripts, on the host: shellcheck finds no error
# (a parse it cannot make hides every other finding), no wait_for
# retries a command whose output was substituted once before the first
# try ("wait_for 5 test "$(f)" = 1" never sees f change; lib.sh's
# out_test runs f on every try), and no VM test pipes into "grep -q"
# (lib.sh's has_match instead). Prints KTAP.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src" || exit 1
mapfile -t scripts < <(git ls-files '*.sh' .ci/run 2>/dev/null ||
	find . -name '*.sh' -not -path './.git/*')

echo "KTAP version 1"
echo "1..3"
failed=0

# 1: shellcheck, errors only (its warnings are style).
if out=$(shellcheck -S error "${scripts[@]}" 2>&1); then
	echo "ok 1 shellcheck -S error on ${#scripts[@]} scripts"
else
	printf '%s\n' "$out" | sed 's/^/# /'
	echo "not ok 1 shellcheck -S error on ${#scripts[@]} scripts"
	failed=1
fi

# 2: wait_for's command must not carry a "$(...)" before its "||".
# shellcheck disable=SC2016
bad=$(grep -n 'wait_for ' "${scripts[@]}" | sed 's/||.*//' |
	grep -Ev '^[^:]+:[0-9]+:[[:space:]]*#' | grep -E 'wait_for [^ ]+ .*"\$\(')
if [ -z "$bad" ]; then
	echo "ok 2 no wait_for with a command substituted once"
else
	printf '%s\n' "$bad" | sed 's/^/# /'
	echo "not ok 2 no wait_for with a command substituted once"
	failed=1
fi
# 3: in the VM tests (set -o pipefail), no "| grep -q": it stops reading
# at the first match, and a writer that then dies of SIGPIPE makes the
# pipeline fail although it matched (lib.sh's has_match reads it all).
bad=$(grep -n '[^|]| *grep -[a-zA-Z]*q' selftests/*.sh | grep -Ev '^[^:]+:[0-9]+:[[:space:]]*#')
if [ -z "$bad" ]; then
	echo "ok 3 no \"| grep -q\" in the VM tests"
else
	printf '%s\n' "$bad" | sed 's/^/# /'
	echo "not ok 3 no \"| grep -q\" in the VM tests"
	failed=1
fi
exit $failed
