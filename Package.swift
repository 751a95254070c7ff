// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cogpack",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cogpack", targets: ["cogpack"]),
        .executable(name: "cogpack-bench", targets: ["cogpack-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        // Z3 4.8 from Debian's libz3-dev, found through pkg-config.
        .systemLibrary(
            name: "CZ3",
            path: "Sources/CZ3",
            pkgConfig: "z3",
            providers: [.apt(["libz3-dev"])]
        ),
        // What every module shares: where input went wrong (Provenance, InputError), one-line
        // text, and the file system calls that read a model folder.
        .target(name: "Basics"),
        // The plan: the builder's only input, its JSON, its validation, and .dockerignore patterns.
        // A leaf: the builder reads plans without linking the rules, the resolver or Z3.
        .target(name: "PlanFormat", dependencies: ["Basics"]),
        .target(name: "Rules", dependencies: ["Basics", .product(name: "Yams", package: "Yams")]),
        .target(name: "Resolver", dependencies: ["Rules", "CZ3"]),
        .target(name: "Planner", dependencies: ["PlanFormat", "Rules", "Resolver", "Schema", .product(name: "Yams", package: "Yams"),
                                             .product(name: "Crypto", package: "swift-crypto")]),
        // Plan → LLB, and a BuildKit client: gRPC over HTTP/2 (SwiftNIO) with our own small framing.
        .target(
            name: "Builder",
            dependencies: [
                "PlanFormat",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                // TLS to a remote engine (tcp:// with the Docker CLI's certificates).
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"]
        ),
        // Maintainer tools: rules lint, the scenario runner, and the diff of a rules change over a corpus.
        .target(name: "Maintenance", dependencies: ["Rules", "Resolver", "Planner", "DataRefresh"]),
        // Maintainer tool: regenerates data/cuda-matrix.json from Cog's tables and the package index.
        // zlib (through CompressNIO) inflates the METADATA read out of a wheel.
        .target(
            name: "DataRefresh",
            dependencies: [
                "Rules",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                // Requests to package indexes (WebClient), instead of URLSession and libcurl.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The OpenAPI document of a predictor, read statically from its Python source (as Cog's pkg/schema).
        .target(name: "Schema", dependencies: ["Rules"]),
        .executableTarget(
            name: "cogpack",
            dependencies: [
                "Rules", "Resolver", "Planner", "Builder", "DataRefresh", "Schema", "Maintenance",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Prints the speed figures of the resolver and the planner; run through scripts/bench.sh.
        .executableTarget(name: "cogpack-bench", dependencies: ["Rules", "Resolver", "Planner", "Maintenance"], path: "Benchmarks/Bench"),
        .testTarget(name: "PlanFormatTests", dependencies: ["PlanFormat"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "ResolverTests", dependencies: ["Resolver", "Rules"]),
        .testTarget(name: "PlannerTests", dependencies: ["Planner", "Resolver", "Rules"], exclude: ["Snapshots"]),
        .testTarget(
            name: "BuilderTests",
            dependencies: ["Builder", "PlanFormat", .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOHTTP2", package: "swift-nio-http2")]
        ),
        .testTarget(name: "DataRefreshTests", dependencies: ["DataRefresh", "Rules", .product(name: "NIOHTTP1", package: "swift-nio")]),
        // Planner too: the cross-file tests read a real folder through its ModelFolder.
        .testTarget(name: "SchemaTests", dependencies: ["Schema", "Rules", "Planner"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Maintenance", "Planner", "Resolver", "Rules"], exclude: ["Fixtures"]),
        // Runs the built executable: exit codes and the JSON that other tools read.
        .testTarget(name: "CLITests", dependencies: ["cogpack"], exclude: ["Hostile", "Expected"]),
    ]
)
