// swift-tools-version:6.0
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
    ],
    targets: [
        .systemLibrary(name: "CBlkid", pkgConfig: "blkid",
                       providers: [.apt(["libblkid-dev"])]),
        .systemLibrary(name: "CMount", pkgConfig: "mount",
                       providers: [.apt(["libmount-dev"])]),
        .systemLibrary(name: "CBtrfsUtil", pkgConfig: "libbtrfsutil",
                       providers: [.apt(["libbtrfsutil-dev"])]),
        .target(name: "CLinuxShim"),
        .target(
            name: "DockStoreCore",
            dependencies: [
                "CBlkid", "CMount", "CBtrfsUtil", "CLinuxShim",
            ]
        ),
        .executableTarget(
            name: "dockstore",
            dependencies: [
                "DockStoreCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "DockStoreCoreTests", dependencies: ["DockStoreCore"]),
        .testTarget(name: "IntegrationTests", dependencies: ["DockStoreCore", "dockstore"]),
    ]
)
