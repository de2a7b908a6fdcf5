#!/usr/bin/env bash
# Rebuilds the seed corpus in fuzz/corpus/TARGET/seed-* from the repository's
# own inputs: contract files (examples/, stdlib/, tests/ui/), tables compiled
# by `crmc build`, and the mutation lines in fuzz/seeds/mutations.ndjson.
# Run it again when the table format or the examples change:
#   bash fuzz/make-seeds.sh [path/to/crmc]   (default: target/debug/crmc)
# Files libFuzzer adds to fuzz/corpus/TARGET/ are not seeds and git ignores them.
set -euo pipefail
cd "$(dirname "$0")/.."
crmc=${1:-target/debug/crmc}
corpus=fuzz/corpus
mutations=fuzz/seeds/mutations.ndjson

for t in parse_check fmt_roundtrip table_load decide_json decide_stream; do
    mkdir -p "$corpus/$t"
    rm -f "$corpus/$t"/seed-*
done

# Contract text: every bundled and test .crmc file, named after its path.
find examples stdlib tests/ui -name '*.crmc' | sort | while read -r f; do
    name=seed-$(echo "${f%.crmc}" | tr '/' '-').crmc
    cp "$f" "$corpus/parse_check/$name"
    cp "$f" "$corpus/fmt_roundtrip/$name"
done

# Tables: a few examples of different shapes (update / create, Salesforce /
# HubSpot, one and several contracts), plus the smallest clean unit.
for e in inbound_lead_qualification outbound_lead_creation duplicate_cleanup follow_up_governance outbound_research human_verified_fields; do
    "$crmc" build "examples/$e" -o "$corpus/table_load/seed-$e.crmct" >/dev/null 2>&1
done
"$crmc" build tests/ui/analyze/clean.crmc -o "$corpus/table_load/seed-clean.crmct" >/dev/null 2>&1

# Mutations: one line a seed for decide_json; whole streams for decide_stream
# (as is, with blank and whitespace-only lines, CRLF endings, a line that is
# not UTF-8, and no final newline).
n=0
while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" >"$corpus/decide_json/seed-mutation-$(printf %02d $n).json"
done <"$mutations"
s=$corpus/decide_stream
cp "$mutations" "$s/seed-all.ndjson"
sed -n '1p;6p' "$mutations" >"$s/seed-two.ndjson"
{ sed -n 1p "$mutations"; printf '\n   \n'; sed -n 6p "$mutations"; printf '\xc2\xa0\n\t\v\f\n\xe3\x80\x80\n'; sed -n 13p "$mutations"; } >"$s/seed-blank-lines.ndjson"
sed 's/$/\r/' "$mutations" >"$s/seed-crlf.ndjson"
{ sed -n 2p "$mutations"; printf '{"object":"Lead","record":{"Id":"\xff\xfe"}}\n'; sed -n 7p "$mutations"; } >"$s/seed-not-utf8.ndjson"
sed -n 6p "$mutations" | tr -d '\n' >"$s/seed-no-final-newline.ndjson"

# Hand-written seeds (inputs no generated file covers: ids, a BOM, NUL, JSON
# that is not an object): fuzz/seeds/TARGET/NAME becomes corpus seed-NAME.
for dir in fuzz/seeds/*/; do
    t=$(basename "$dir")
    for f in "$dir"*; do
        [ -f "$f" ] && cp "$f" "$corpus/$t/seed-$(basename "$f")"
    done
done
