#!/usr/bin/env bash
# Runs the app under strace, recording every connect() of the app and its children, so the
# end-to-end test can show that no socket to a network address is ever opened.
exec strace -f -qq --seccomp-bpf -e trace=connect -o "${ZKDX_TRACE:?}" "${ZKDX_APP:?}" "$@"
