#!/bin/sh
# expect_fail.sh REGEX COMMAND...: passes when COMMAND exits non-zero (and not
# by a signal) and its standard error matches REGEX.
regex=$1; shift
err=$("$@" 2>&1 >/dev/null); code=$?
if [ "$code" -eq 0 ]; then echo "expected failure, got exit 0: $*"; exit 1; fi
if [ "$code" -gt 128 ]; then echo "crashed (exit $code): $*"; echo "$err"; exit 1; fi
if ! printf '%s' "$err" | grep -Eq -- "$regex"; then echo "stderr does not match '$regex':"; echo "$err"; exit 1; fi
echo "ok (exit $code): $err"
