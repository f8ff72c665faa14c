#!/usr/bin/env bash
# Refreshes Herald's copy of the isbot pattern list (https://github.com/omrilotan/isbot,
# npm package `isbot`, Unlicense) used by server/src/tracking/agents.rs.
#
#   scripts/update-isbot-patterns.sh [VERSION]   # default: the latest on npm
#
# Then run the classification corpus test (cargo test --test suite corpus) and
# update BENCHMARKS.md's corpus figures; commit the list with its version.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-latest}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "isbot@$version" >/dev/null)
out=server/src/tracking/patterns
installed=$(node -p 'require(process.argv[1]).version' "$work/node_modules/isbot/package.json")
{
  echo "# isbot $installed (https://github.com/omrilotan/isbot), Unlicense: see isbot.LICENSE."
  echo "# Written by scripts/update-isbot-patterns.sh; one JavaScript regular expression a line."
  node -e 'for (const pattern of require(process.argv[1]).list) console.log(pattern)' "$work/node_modules/isbot"
} >"$out/isbot.txt"
cp "$work/node_modules/isbot/LICENSE" "$out/isbot.LICENSE"
echo "isbot $installed: $(grep -vc '^#' "$out/isbot.txt") patterns in $out/isbot.txt"
