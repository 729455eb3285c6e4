// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "dockstore",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dockstore", targets: ["dockstore"]),
        .library(name: "DockStoreCore", targets: ["DockStoreCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Without its Foundation trait: dockstore uses FoundationEssentials only, never full Foundation.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
        // FileDescriptor and Errno for System; already linked in through swift-subprocess.
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
    ],
    targets: [
        // Header-only: the functions are defined by CLibraryLoader, which loads each library on
        // first use, so `dockstore check` starts without them.
        .systemLibrary(name: "CBlkid"),
        .systemLibrary(name: "CMount"),
        .systemLibrary(name: "CBtrfsUtil"),
        .target(name: "CLibraryLoader"),
        .target(name: "CLinuxShim"),
        .target(
            name: "DockStoreCore",
            dependencies: [
                "CBlkid", "CMount", "CBtrfsUtil", "CLibraryLoader", "CLinuxShim",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .executableTarget(
            name: "dockstore",
            dependencies: [
                "DockStoreCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // A position-dependent release binary: the dynamic loader then has no relocations
            // to apply to the statically linked Swift runtime, which is most of `check`'s
            // start-up (scripts/bench measures it). Shared libraries, stack and heap keep ASLR.
            linkerSettings: [.unsafeFlags(["-Xclang-linker", "-no-pie"], .when(configuration: .release))]
        ),
        .testTarget(name: "DockStoreCoreTests", dependencies: ["DockStoreCore"]),
        .testTarget(name: "IntegrationTests", dependencies: ["DockStoreCore", "dockstore"]),
    ]
)
