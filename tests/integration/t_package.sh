#!/usr/bin/env bash
# `cpack -G DEB` builds a Debian package that installs the binary, the man page and the
# completions where Debian's tools look for them.
source "$(dirname "$0")/lib.sh"
cd "$T"

BUILD=$(dirname "$(dirname "$PORCH_BIN")")
# A static link by default gets start files that register .eh_frame with the unwinder and no
# frame index: each process's first exception then sorts all ~23,000 frame descriptions
# (an error exit took 10 ms instead of 4). The binary carries the index, as dynamic ones do.
if command -v readelf >/dev/null; then
    headers=$(readelf -lW "$PORCH_BIN")
    if ! grep -q INTERP <<<"$headers"; then
        assert_contains "$headers" "GNU_EH_FRAME" "the static binary has a frame index (PT_GNU_EH_FRAME)"
        # The code and data a commit's hooks use come first (cmake/hook-order.ld): a hook faults
        # in a few 64 KB windows of them, not one for each scattered function or variable.
        sections=$(readelf -SW "$PORCH_BIN")
        for name in .text .rodata .data.rel.ro .data .bss; do
            assert_contains "$sections" " $name.porch_hooks " "the static binary has $name.porch_hooks"
        done
        section=$(awk '{ for (i = 1; i < NF; i++) if ($i == ".text.porch_hooks") print $(i + 2), $(i + 4) }' \
            <<<"$sections")
        read -r start size <<<"$section"
        for hook in commit_msg post_commit; do
            at=$(nm -C "$PORCH_BIN" | awk -v f="porch::hooks::$hook(" \
                '!at && index($0, f) && !/clone/ { at = $1; print at }')
            assert_true "porch::hooks::$hook is in .text.porch_hooks (else rerun bench/hook_order.py)" \
                test -n "$at" -a $((16#${at:-0})) -ge $((16#${start:-0})) \
                -a $((16#${at:-0})) -lt $((16#${start:-0} + 16#${size:-0}))
        done
    fi
    run "$PORCH_BIN" no-such-command
    assert_eq 129 "$RC" "an unknown command is a usage error (exception thrown and caught)"
else
    echo "SKIP: readelf (binutils) is not installed"
fi
assert_true "test setup: the build folder has a CPack configuration" test -f "$BUILD/CPackConfig.cmake"
assert_true "test setup: dpkg-deb is installed" command -v dpkg-deb
run cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$T/pkg"
assert_eq 0 "$RC" "cpack -G DEB succeeds: $ERR"
deb=$(ls "$T"/pkg/git-porch_*_*.deb)
assert_true "one package" test -f "$deb"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/git-porch ./usr/share/man/man1/git-porch.1 \
    ./usr/share/bash-completion/completions/git-porch ./usr/share/zsh/site-functions/_git-porch \
    ./usr/share/fish/vendor_completions.d/git-porch.fish; do
    assert_contains "$contents" "$path" "the package installs $path"
done
assert_contains "$(dpkg-deb -f "$deb" Depends)" "git" "it depends on git"
mkdir "$T/root"
dpkg-deb -x "$deb" "$T/root"
assert_match "$("$T/root/usr/bin/git-porch" --version)" '^git porch version [0-9]+\.[0-9]+\.[0-9]+$' \
    "the packaged binary runs"
finish
