#!/usr/bin/env bash
# Coverage-guided fuzzing of the input parsers with libFuzzer, for developers (not part of CI).
#
#   bash scripts/fuzz.sh [--runs N] [--target NAME]... [--fresh]
#
# Targets (Fuzz/<NAME>/FuzzTarget.swift): CogYAML, Requirements, Versions, Markers, DockerIgnore,
# Lock (cogpack.lock), Sources (rules/sources.yaml), DockerConfig (the Docker config's logins).
# Each runs for N inputs (default 1,000,000), one target after another in one process, so that
# it fits a 2-core machine shared with others. Corpora grow in .build-fuzz/corpus/<NAME> from
# one run to the next (--fresh starts again from the seeds); findings land in
# .build-fuzz/findings/<NAME>/. Exits 1 when any target found a crash, a timeout or an
# out-of-memory input, 2 on a usage or build error.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL_TARGETS=(CogYAML Requirements Versions Markers DockerIgnore Lock Sources DockerConfig)
RUNS=1000000
TARGETS=()
FRESH=0
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
        --target) TARGETS+=("${2:?--target needs a name}"); shift 2 ;;
        --fresh) FRESH=1; shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "fuzz.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$RUNS" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: --runs takes a whole number, not $RUNS" >&2; exit 2; }
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")
for t in "${TARGETS[@]}"; do
    [ -f "Fuzz/$t/FuzzTarget.swift" ] || { echo "fuzz.sh: no target $t (one of: ${ALL_TARGETS[*]})" >&2; exit 2; }
done

SCRATCH=.build-fuzz
BIN="$SCRATCH/fuzz-bin"
NICE=(nice -n 10)

# 1. The package's parser modules, instrumented. `swift build` cannot link a libFuzzer binary
# (it adds its own main), but building only the Planner target links nothing: it leaves the
# object files and modules of Planner and its dependencies (PlanFormat, Basics, Resolver, Rules,
# Schema, Yams, CYaml, swift-crypto),
# which the entries below link themselves. -sanitize=fuzzer on compile-only Swift jobs adds the
# coverage counters and comparison tracing; C (libyaml) gets the same from -fsanitize=fuzzer-no-link.
# A separate scratch path keeps these objects away from the ordinary build.
echo "== building the instrumented modules (swift build -c release --target Planner)"
"${NICE[@]}" swift build -c release --scratch-path "$SCRATCH" --target Planner \
    -Xswiftc -sanitize=fuzzer -Xcc -fsanitize=fuzzer-no-link
REL="$SCRATCH/release"
OBJECTS=()
# (Planner reads the model's schema for its schema block, and the lock's digests need Crypto.)
for module in Planner PlanFormat Basics Resolver Rules Schema Yams CYaml Crypto CryptoBoringWrapper CCryptoBoringSSL CCryptoBoringSSLShims; do
    while IFS= read -r o; do OBJECTS+=("$o"); done < <(find "$REL/$module.build" -name '*.o' | sort)
done
# Honest coverage: refuse to fuzz objects that carry no counters (a flag that did not reach them).
for module in Planner PlanFormat Basics Rules CYaml; do
    # (grep -c reads to the end: with -q, nm's broken pipe would fail the pipeline.)
    counters=$(find "$REL/$module.build" -name '*.o' -exec nm {} + 2>/dev/null | grep -c __sanitizer_cov_ || true)
    if [ "${counters:-0}" = 0 ]; then
        echo "fuzz.sh: $module was built without coverage instrumentation; remove $SCRATCH and retry" >&2
        exit 2
    fi
done
CYAML_INCLUDE=$(dirname "$(find "$SCRATCH/checkouts" -path '*/CYaml/include/module.modulemap' | head -1)")

# Parsers of modules that are not built here (their modules need SwiftNIO, the network and
# compression libraries): the target compiles their few source files itself, instrumented too.
sources_of() {
    case "$1" in
        Sources) echo Sources/DataRefresh/RefreshSource.swift ;;
        DockerConfig) echo Sources/Builder/Push/DockerConfig.swift Sources/Builder/Push/RegistryCredentials.swift \
                           Sources/Builder/Push/CredentialHelper.swift Sources/Builder/LLB/ImageReference.swift ;;
    esac
}

# 2. One binary per target: the entry (an @_cdecl LLVMFuzzerTestOneInput) with libFuzzer's own
# main, linked against the instrumented objects. Z3 comes in with Resolver, which Planner uses.
mkdir -p "$BIN"
for t in "${TARGETS[@]}"; do
    echo "== linking $t"
    "${NICE[@]}" swiftc -O -parse-as-library -sanitize=fuzzer -module-name "Fuzz$t" \
        -module-cache-path "$SCRATCH/fuzz-module-cache" \
        -I "$REL/Modules" -I "$CYAML_INCLUDE" -I Sources/CZ3 \
        Fuzz/Common/*.swift "Fuzz/$t/FuzzTarget.swift" $(sources_of "$t") "${OBJECTS[@]}" -lz3 \
        -o "$BIN/$t"
done

# 3. Seeds from the project's own fixtures, copied at run time (the corpora are not committed).
seed() {  # seed TARGET FILE...: copies each file under a name that keeps where it came from
    local dir="$SCRATCH/corpus/$1"; shift
    for f in "$@"; do cp "$f" "$dir/seed-$(echo "$f" | tr '/' '_')"; done
}
for t in "${TARGETS[@]}"; do
    [ "$FRESH" = 1 ] && rm -rf "$SCRATCH/corpus/$t"
    mkdir -p "$SCRATCH/corpus/$t"
    case "$t" in
        CogYAML) seed "$t" $(find examples Tests/ScenarioTests/Fixtures -name cog.yaml | sort) ;;
        Requirements) seed "$t" $(find examples Tests/ScenarioTests/Fixtures -name '*.txt' | sort) ;;
        DockerIgnore) seed "$t" $(find examples Tests/ScenarioTests/Fixtures -name .dockerignore | sort) ;;
        Lock) seed "$t" $(find examples Tests -name cogpack.lock | sort) ;;
        Sources) seed "$t" rules/sources.yaml ;;
        Markers)
            # The marker of every requirement line of the fixtures that has one.
            n=0
            while IFS= read -r m; do
                n=$((n + 1)); printf '%s' "$m" > "$SCRATCH/corpus/$t/seed-fixture-marker-$n"
            done < <(find examples Tests/ScenarioTests/Fixtures -name '*.txt' -exec grep -h '[;]' {} +  \
                     | sed -e 's/^[^;]*;[[:space:]]*//' -e 's/[[:space:]]*$//' | sort -u)
            ;;
    esac
    if [ -d "Fuzz/Seeds/$t" ]; then seed "$t" Fuzz/Seeds/"$t"/*; fi
done

# 4. The runs, one target after another (in-process: one core each, no worker processes).
FOUND=0
SUMMARY=()
for t in "${TARGETS[@]}"; do
    corpus="$SCRATCH/corpus/$t"
    findings="$SCRATCH/findings/$t"
    log="$SCRATCH/logs/$t.log"
    mkdir -p "$findings" "$(dirname "$log")"
    before=$(find "$findings" -type f | sort)
    dict=()
    [ -f "Fuzz/Dictionaries/$t.dict" ] && dict=(-dict="Fuzz/Dictionaries/$t.dict")
    echo "== fuzzing $t: $RUNS inputs (log: $log)"
    status=0
    # -timeout: any input slower than 5 s is a finding (parsers must answer fast, whatever the
    # input); -rss_limit_mb bounds memory; -print_final_stats gives the executed count even
    # when the run stops at a crash.
    # SWIFT_BACKTRACE: the Swift runtime's backtracer would take the trap of a failed check and
    # end the process before libFuzzer's handler writes the crash input.
    SWIFT_BACKTRACE=enable=no "${NICE[@]}" "$BIN/$t" "$corpus" "${dict[@]}" -runs="$RUNS" -timeout=5 -rss_limit_mb=2048 \
        -artifact_prefix="$findings/" -print_final_stats=1 -print_pcs=0 >"$log" 2>&1 || status=$?
    # (Each `|| true`: a run that died early may lack any of these lines.)
    executed=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | awk '{print $2}' || true)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(echo "$last" | grep -o 'cov: [0-9]*' | awk '{print $2}' || true)
    ft=$(echo "$last" | grep -o 'ft: [0-9]*' | awk '{print $2}' || true)
    size=$(find "$corpus" -type f | wc -l)
    # Only what this run wrote: earlier findings stay in the folder until someone removes them.
    new=$(comm -13 <(echo "$before") <(find "$findings" -type f | sort) | sed '/^$/d')
    line="$t: ${executed:-?} inputs, cov ${cov:-?}, ft ${ft:-?}, corpus $size files"
    if [ "$status" != 0 ] || [ -n "$new" ]; then
        FOUND=1
        line="$line, FINDINGS (libFuzzer exit $status):"
        while IFS= read -r f; do [ -n "$f" ] && line="$line"$'\n'"    $f"; done <<<"$new"
        grep -E '^(==[0-9]+== ERROR|SUMMARY|Fatal error|.*fuzz property violated)' "$log" | head -5 | sed 's/^/    /' >&2 || true
    else
        line="$line, no crash or timeout"
    fi
    echo "$line"
    SUMMARY+=("$line")
done

echo
echo "== summary ($RUNS inputs per target)"
printf '%s\n' "${SUMMARY[@]}"
exit $FOUND
