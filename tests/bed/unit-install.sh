#!/bin/bash
# make install into a DESTDIR (PREFIX=/usr) puts every tool in bin/, its man
# page (help2man) in share/man/man1/ and e1k_napi.ko in
# /lib/modules/<abi>/extra/, and nothing else: no depmod output under a
# DESTDIR. The project's one version (VERSION) is what every installed tool's
# --version, every man page (which lists every option of the tool's
# --help-all and its exit codes), the module's modinfo, dkms.conf and the top of
# CHANGELOG.md say. About 10-20 s (make's up-to-date checks of the module
# and the CMake build; install copies).
# napilab-bed: labels=unit timeout=300
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"

abi=$("$root/qemu/kernel-abi" 2>/dev/null) || { echo "SKIP: no kernel ABI: make deps"; exit 77; }
[[ -d /lib/modules/$abi/build ]] || { echo "SKIP: no headers for $abi: make deps"; exit 77; }
build=${NAPILAB_BUILD:-$root/build}
version=$(<"$root/VERSION")
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

log=$(make -C "$root" --no-print-directory install DESTDIR="$dest" PREFIX=/usr BUILD="$build" JOBS=2 2>&1)
rc=$?
expect_eq "make install DESTDIR=$dest: exit status" 0 "$rc"
((rc == 0)) || echo "$log" | tail -n 30 >&2
expect_match "depmod is left to the target under a DESTDIR" "DESTDIR set: depmod not run" "$log"

tools=(napi-sink napi-blast napi-pingpong napitop napi-iperf napi-measure)
[[ -x $build/userspace/bpf/napi-observe ]] && tools+=(napi-observe)
[[ -x $build/userspace/bpf/napi-xdp ]] && tools+=(napi-xdp)
expected=("lib/modules/$abi/extra/e1k_napi.ko")
for tool in "${tools[@]}"; do
	expected+=("usr/bin/$tool" "usr/share/man/man1/$tool.1")
	bin=$dest/usr/bin/$tool
	if [[ -x $bin ]]; then
		expect_eq "$tool --version" "$tool (napilab) $version" "$("$bin" --version)"
	else
		fail "no executable $bin"
	fi
	page=$dest/usr/share/man/man1/$tool.1
	if [[ -f $page ]]; then
		expect_match "$tool.1 is the man page of $tool $version" "^\\.TH \"?${tool^^}\"? \"?1\"? .*napilab $version" \
			"$(grep -m1 '^\.TH' "$page")"
		# Every option of --help-all (subcommands' too), in the page's text.
		text=$(sed 's/\\f[BIRP]//g; s/\\-/-/g' "$page")
		missing=""
		for option in $("$bin" --help-all | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
			grep -q -F -- "$option" <<<"$text" || missing+=" $option"
		done
		expect_eq "$tool.1 documents every option of --help-all" "" "$missing"
		expect_match "$tool.1 documents the exit codes" "exit: 0" "$text"
	else
		fail "no man page $page"
	fi
done
installed=$(cd "$dest" && find . -type f -printf '%P\n' | sort)
expect_eq "the installed files, and no others" "$(printf '%s\n' "${expected[@]}" | sort)" "$installed"
expect_eq "e1k_napi.ko's version" "$version" "$(modinfo -F version "$dest/lib/modules/$abi/extra/e1k_napi.ko")"

# The other places that carry the version.
expect_eq "dkms.conf's PACKAGE_VERSION" "$version" \
	"$(cd "$root" && bash -c '. ./dkms.conf && echo "$PACKAGE_VERSION"')"
expect_eq "CHANGELOG.md's latest version" "$version" \
	"$(sed -n 's/^## \([0-9][0-9.]*\) .*/\1/p' "$root/CHANGELOG.md" | head -n 1)"
finish
