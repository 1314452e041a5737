#!/bin/sh
# git-porch hook shim v1 ({{NAME}}): managed by 'git porch hooks'; 'git porch hooks uninstall' restores what was here.
chained="$0.porch-chained"
{{CHAIN}}
if command -v git-porch >/dev/null 2>&1; then exec git-porch hook {{NAME}} "$@"; fi
if [ -x {{BINARY}} ]; then exec {{BINARY}} hook {{NAME}} "$@"; fi
echo "git porch: git-porch not found; {{NAME}} hook skipped" >&2
exit 0
