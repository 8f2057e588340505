#!/usr/bin/env bash
# Builds the libFuzzer targets with the Swift toolchain, without SwiftPM:
#
#   Tools/fuzz/build.sh [frame] [session]     (default: both)
#
# The Market, FIX, Gzip and FIXSessionCore modules (and swift-system's SystemPackage, from the
# checkout `swift build` made in .build/checkouts) are compiled straight from their sources with swiftc, instrumented
# for coverage (-sanitize=fuzzer) and AddressSanitizer, optimized (-O keeps Swift's overflow,
# bounds and unwrap traps) with debug info for readable stacks; then each target is linked
# with libFuzzer. A module is compiled again only when one of its sources is newer than its
# object file.
#
# Outputs go to Tools/fuzz/.build/: bin/fuzz-frame, bin/fuzz-session, and bin/FIX.resources/
# (the dictionary where DataDictionary.fix44() would look; the targets read the file itself).
#
# Environment: SWIFTC            the compiler (default: swiftc on PATH)
#              FUZZ_OPT          optimization flag (default -O; -Onone builds faster, runs slower)
#              FUZZ_SANITIZERS   sanitizers (default fuzzer,address)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$here/.build"
swiftc="${SWIFTC:-swiftc}"
opt="${FUZZ_OPT:--O}"
sanitizers="${FUZZ_SANITIZERS:-fuzzer,address}"

command -v "$swiftc" >/dev/null 2>&1 || { echo "build.sh: $swiftc not found" >&2; exit 2; }

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frame session)
for t in "${targets[@]}"; do
  case "$t" in frame|session) ;; *) echo "build.sh: unknown target $t (frame or session)" >&2; exit 2 ;; esac
done

mkdir -p "$out/modules" "$out/obj" "$out/bin/FIX.resources" "$out/generated"
# Sources/CZlib: the module map of the system zlib, which Gzip (under FIXSessionCore) imports.
common=(-parse-as-library -swift-version 6 "$opt" -g -sanitize="$sanitizers" -I "$out/modules" -I "$repo/Sources/CZlib")

# Other flags than last time (or another compiler): everything is built again.
stamp="$out/obj/flags"
flags="$("$swiftc" --version 2>&1 | head -1) ${common[*]}"
if [ ! -e "$stamp" ] || [ "$(cat "$stamp")" != "$flags" ]; then
  rm -f "$out"/obj/*.o "$out"/bin/fuzz-*
  printf '%s' "$flags" >"$stamp"
fi

# needs_build OUTPUT FILE...: whether OUTPUT is missing or older than one of the files.
needs_build() {
  local output="$1" f
  shift
  [ -e "$output" ] || return 0
  for f in "$@"; do [ "$f" -nt "$output" ] && return 0; done
  return 1
}

# build_module NAME SOURCES...: one object and one .swiftmodule, whole-module.
build_module() {
  local name="$1"
  shift
  if needs_build "$out/obj/$name.o" "$@"; then
    echo "build.sh: compiling module $name ($# files)"
    "$swiftc" "${common[@]}" -module-name "$name" -wmo -emit-module \
      -emit-module-path "$out/modules/$name.swiftmodule" -c -o "$out/obj/$name.o.tmp" "$@"
    mv "$out/obj/$name.o.tmp" "$out/obj/$name.o"
  fi
}

mapfile -t market_sources < <(find "$repo/Sources/Market" -name '*.swift' | sort)
mapfile -t fix_sources < <(find "$repo/Sources/FIX" -name '*.swift' | sort)
mapfile -t session_sources < <(find "$repo/Sources/FIXSessionCore" -name '*.swift' | sort)
mapfile -t gzip_sources < <(find "$repo/Sources/Gzip" -name '*.swift' | sort)
[ ${#fix_sources[@]} -gt 0 ] || { echo "build.sh: no sources in $repo/Sources/FIX" >&2; exit 2; }

# The accessor SwiftPM would generate for the FIX target's resource, and the dictionary's path.
cp "$repo/Sources/FIX/Resources/FIX44.xml" "$out/bin/FIX.resources/FIX44.xml"
paths="$out/generated/FuzzPaths.swift"
dictionary_literal="$(printf '%s' "$repo/Sources/FIX/Resources/FIX44.xml" | sed 's/\\/\\\\/g; s/"/\\"/g')"
new_paths="// Written by build.sh.
let fuzzDictionaryPath = \"$dictionary_literal\""
if [ ! -e "$paths" ] || [ "$(cat "$paths")" != "$new_paths" ]; then printf '%s\n' "$new_paths" >"$paths"; fi

build_module Market "${market_sources[@]}"

# swift-system (Gzip and FIXSessionCore read and write files through it): its Swift sources as
# one module with the settings of its Package.swift (its availability names, its defines), and
# its C shims compiled by the toolchain's clang.
system_package() {
  local checkout="$repo/.build/checkouts/swift-system"
  [ -d "$checkout/Sources/System" ] || { echo "build.sh: no swift-system checkout in $checkout (run swift build first)" >&2; exit 2; }
  local include="$checkout/Sources/CSystem/include"
  common+=(-I "$include")
  if needs_build "$out/obj/CSystem.o" "$checkout/Sources/CSystem/shims.c"; then
    "$(dirname "$(command -v "$swiftc")")/clang" -O2 -fPIC -I "$include" -c "$checkout/Sources/CSystem/shims.c" -o "$out/obj/CSystem.o"
  fi
  local sources flags=() v
  mapfile -t sources < <(find "$checkout/Sources/System" -name '*.swift' | sort)
  for v in $(grep -o 'Available("[0-9.]*"' "$checkout/Package.swift" | grep -o '[0-9][0-9.]*'); do
    flags+=(-enable-experimental-feature "AvailabilityMacro=System $v:macOS 10.10, iOS 8.0, watchOS 2.0, tvOS 9.0, visionOS 1.0")
  done
  if needs_build "$out/obj/SystemPackage.o" "${sources[@]}"; then
    echo "build.sh: compiling module SystemPackage (${#sources[@]} files)"
    "$swiftc" -parse-as-library -swift-version 5 "$opt" -g -sanitize="$sanitizers" -I "$include" -module-name SystemPackage -wmo \
      -emit-module -emit-module-path "$out/modules/SystemPackage.swiftmodule" -D SYSTEM_PACKAGE \
      -enable-experimental-feature Lifetimes "${flags[@]}" -c -o "$out/obj/SystemPackage.o.tmp" "${sources[@]}"
    mv "$out/obj/SystemPackage.o.tmp" "$out/obj/SystemPackage.o"
  fi
}
build_module FIX "${fix_sources[@]}" "$here/BundleModule.swift"

for t in "${targets[@]}"; do
  case "$t" in
    frame)
      sources=("$here/FrameFuzzer.swift")
      objects=("$out/obj/Market.o" "$out/obj/FIX.o")
      ;;
    session)
      system_package
      build_module Gzip "${gzip_sources[@]}"
      build_module FIXSessionCore "${session_sources[@]}"
      sources=("$here/SessionFuzzer.swift")
      objects=("$out/obj/Market.o" "$out/obj/FIX.o" "$out/obj/CSystem.o" "$out/obj/SystemPackage.o" "$out/obj/Gzip.o"
               "$out/obj/FIXSessionCore.o" -lz)
      ;;
  esac
  sources+=("$here/FuzzSupport.swift" "$paths")
  binary="$out/bin/fuzz-$t"
  if needs_build "$binary" "${sources[@]}" "${objects[@]}"; then
    echo "build.sh: linking fuzz-$t"
    # In obj/: with -g the driver leaves the target's module files in the working directory.
    (cd "$out/obj" && "$swiftc" "${common[@]}" -module-name "Fuzz_$t" -wmo "${sources[@]}" "${objects[@]}" \
      -use-ld=lld -o "$binary")
  fi
done
echo "build.sh: built ${targets[*]} in $out/bin"
