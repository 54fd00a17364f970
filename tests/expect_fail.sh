#!/bin/sh
# expect_fail.sh [--code N] REGEX COMMAND...: passes when COMMAND exits
# non-zero (and not by a signal; with --code, exactly N) and its standard
# error matches REGEX.
want=""
if [ "$1" = "--code" ]; then want=$2; shift 2; fi
regex=$1; shift
err=$("$@" 2>&1 >/dev/null); code=$?
if [ "$code" -eq 0 ]; then echo "expected failure, got exit 0: $*"; exit 1; fi
if [ "$code" -gt 128 ]; then echo "crashed (exit $code): $*"; echo "$err"; exit 1; fi
if [ -n "$want" ] && [ "$code" -ne "$want" ]; then echo "expected exit $want, got $code: $*"; echo "$err"; exit 1; fi
if ! printf '%s' "$err" | grep -Eq -- "$regex"; then echo "stderr does not match '$regex':"; echo "$err"; exit 1; fi
echo "ok (exit $code): $err"
