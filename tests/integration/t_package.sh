#!/usr/bin/env bash
# `cpack -G DEB` builds a Debian package that installs the binary, the man page and the
# completions where Debian's tools look for them.
source "$(dirname "$0")/lib.sh"
cd "$T"

BUILD=$(dirname "$(dirname "$PORCH_BIN")")
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
