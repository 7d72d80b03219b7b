#!/usr/bin/env bash
# A two-node walkthrough of kenes over carried files (sneakernet).
# Aigerim founds a federation and a workplace committee in Zhanaozen; she
# vouches for Nurlan; a bundle carries that to his laptop; he joins; a
# bundle limited to what she lacks carries his join back. Both laptops end
# with the same state digest.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet -p kenes
kenes() { "$PWD/target/release/kenes" "$@"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
a="--data-dir $work/aigerim"
b="--data-dir $work/nurlan"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Each laptop makes its member key"
kenes $a id new --name "Aigerim"
kenes $b id new --name "Nurlan"
nurlan=$(kenes $b id show --json | sed -n 's/.*"public_key": "\([0-9a-f]*\)".*/\1/p')

step "Aigerim founds a federation and a production committee"
kenes $a federation create --name "Kazakhstan, January 2022"
committee=$(kenes $a committee create --kind production --name "Ozenmunaigas oil workers" \
  --enterprise Ozenmunaigas --industry "oil and gas" --area Kazakhstan/Mangystau/Zhanaozen \
  --json | sed -n 's/.*"id": "\([0-9a-f]*\)".*/\1/p')
kenes $a committee list

step "She vouches for Nurlan (this also lets him read the federation)"
kenes $a vouch "$committee" "$nurlan"

step "A USB stick carries a bundle to Nurlan"
kenes $a export "$work/to-nurlan.bundle"
kenes $b import "$work/to-nurlan.bundle"

step "Nurlan joins"
kenes $b join "$committee"

step "Aigerim's frontier lets Nurlan export only what she lacks"
kenes $a frontier "$work/aigerim.frontier"
kenes $b export "$work/to-aigerim.bundle" --for "$work/aigerim.frontier"
kenes $a import "$work/to-aigerim.bundle"

step "Both laptops now agree"
kenes $a committee show "$committee"
echo "Aigerim's digest: $(kenes $a state --digest)"
echo "Nurlan's digest:  $(kenes $b state --digest)"
[ "$(kenes $a state --digest)" = "$(kenes $b state --digest)" ]

step "A damaged bundle is refused, and nothing changes"
head -c 300 "$work/to-aigerim.bundle" > "$work/damaged.bundle"
if kenes $a import "$work/damaged.bundle"; then echo "unexpected success"; exit 1; fi

step "The log, with every op's outcome"
kenes $a log
