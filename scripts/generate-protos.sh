#!/usr/bin/env bash
# Regenerates Sources/Builder/Wire/*.pb.swift from proto/*.proto. Needs protoc (Debian's
# protobuf-compiler) and swift-protobuf's protoc-gen-swift, built here from the same version the
# package uses. Run it only after editing proto/; CI never does.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v protoc >/dev/null || { apt-get update -qq && apt-get install -y -qq protobuf-compiler; }
work=.build-protoc
mkdir -p "$work/Sources/Placeholder"
cat > "$work/Package.swift" <<'PKG'
// swift-tools-version:6.0
import PackageDescription
let package = Package(name: "protoc-plugin",
    dependencies: [.package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0")],
    targets: [.executableTarget(name: "Placeholder")])
PKG
echo 'print("")' > "$work/Sources/Placeholder/main.swift"
swift build --package-path "$work" -c release --product protoc-gen-swift
plugin="$(swift build --package-path "$work" -c release --show-bin-path)/protoc-gen-swift"
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath \
    -I proto --swift_out=Sources/Builder/Wire proto/*.proto
echo "regenerated: $(ls Sources/Builder/Wire)"
