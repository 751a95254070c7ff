#!/usr/bin/env bash
# Rewrites Tests/PlannerTests/Snapshots/*.json from the current planner. Review the diff after.
set -euo pipefail
cd "$(dirname "$0")/.."
COGPACK_UPDATE_SNAPSHOTS=1 swift test --filter PlanSnapshotTests/testEveryExampleMatchesItsSnapshot
git --no-pager diff --stat -- Tests/PlannerTests/Snapshots
