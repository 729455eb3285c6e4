import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The docker.service drop-in is dockstore's only while it holds exactly what dockstore
/// writes: provision and teardown refuse, before any change, to rewrite or remove one an
/// admin added lines to; one an older dockstore wrote is replaced.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DropInOwnershipIntegrationTests {
    static let proxy = "[Service]\nEnvironment=HTTP_PROXY=http://proxy:3128\n"

    /// Every entry below the root but the runner's output files and the image (a mounted
    /// loop device writes into it on its own), with type, mode, time, size, link and content digest.
    func tree(_ root: TestRoot) throws -> String {
        let image = "." + root.image.dropFirst(root.path.count)
        return try root.sh("cd '\(root.path)' && find . -mindepth 1 -xdev \\( -path './.out-*' -o -path './.err-*' -o -path '\(image)' \\) -prune -o -printf '%p|%y|%m|%T@|%s|%l|' \\( -type f -exec md5sum {} \\; -o -printf '\\n' \\) | LC_ALL=C sort")
    }

    func expectRefused(_ result: RunResult, _ root: TestRoot, _ name: String) {
        #expect(result.status == ExitStatus.refused.rawValue, "\(name): \(result.stdout) \(result.stderr)")
        #expect(result.stderrLines.count == 1, "\(name): \(result.stderr)")
        #expect(result.stderr.contains("\(root.dropIn) is not the drop-in dockstore writes"), "\(name): \(result.stderr)")
        #expect(result.stderr.contains("docker.service.d/local.conf, or remove \(root.dropIn)"), "\(name): \(result.stderr)")
    }

    /// (name, shell printf format of the drop-in)
    static let foreignDropIns: [(String, String)] = [
        ("admin lines only", "[Service]\\nEnvironment=HTTP_PROXY=http://proxy:3128\\n"),
        ("admin lines after dockstore's", "# Written by dockstore provision; a re-run rewrites it.\\n# Docker must never start on the bare folder underneath its storage.\\n[Unit]\\nRequiresMountsFor=/var/lib/docker\\n[Service]\\nEnvironment=HTTP_PROXY=http://proxy:3128\\n"),
        ("CRLF", "# Written by dockstore provision; a re-run rewrites it.\\r\\n# Docker must never start on the bare folder underneath its storage.\\r\\n[Unit]\\r\\nRequiresMountsFor=/var/lib/docker\\r\\n"),
        ("not UTF-8", "# Written by dockstore provision; a re-run rewrites it.\\n# Docker must never start on the bare folder underneath its storage.\\n[Unit]\\nRequiresMountsFor=/var/lib/docker\\n# caf\\351\\n"),
    ]

    @Test(arguments: foreignDropIns)
    func provisionRefusesBeforeAnythingIsMade(_ name: String, _ format: String) throws {
        try withTestRoot { root in
            try root.sh("mkdir -p \"$(dirname '\(root.dropIn)')\" && printf '\(format)' > '\(root.dropIn)'")
            let before = try tree(root)
            let result = try root.dockstore(["provision", "--size", "256M"])
            expectRefused(result, root, name)
            #expect(try tree(root) == before, "\(name): nothing is created")
            #expect(root.mounts().isEmpty && root.loopDevices().isEmpty, "\(name)")

            let status = try root.dockstore(["status"])
            #expect(status.status == ExitStatus.problems.rawValue, "\(name): \(status.stderr)")
            #expect(status.stdout.contains("is not the drop-in dockstore writes"), "\(name): \(status.stdout)")
            #expect(try tree(root) == before, "\(name): status changes nothing")
        }
    }

    @Test func provisionReplacesWhatAnOlderDockstoreWroteForAnotherMountpoint() throws {
        try withTestRoot { root in
            try root.write(root.dropIn, "# Written by dockstore provision; a re-run rewrites it.\n# Docker must never start on the bare folder underneath its storage.\n[Unit]\nRequiresMountsFor=/srv/docker\n")
            let result = try root.dockstore(["provision", "--size", "256M"])
            #expect(result.status == 0, "\(result.stderr)")
            let dropIn = root.read(root.dropIn) ?? ""
            let afterFolderRecord = String(decoding: DockerDropIn.createdFolders(in: Array(dropIn.utf8)).rest, as: UTF8.self)
            #expect(afterFolderRecord == DockerDropIn.render(mountpoint: HostPaths.defaultMountpoint, on: try Host(root: root.path)), "\(dropIn)")
        }
    }

    @Test func teardownKeepsAnAdminsLinesAndTheStore() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let ours = try #require(root.read(root.dropIn))
            try root.write(root.dropIn, ours + Self.proxy)
            let before = try tree(root)
            let mounted = root.mounts().map(\.target)
            let loops = root.loopDevices()
            #expect(mounted == [root.mountpoint])

            let refused = try root.dockstore(["teardown"])
            expectRefused(refused, root, "teardown")
            #expect(try tree(root) == before, "nothing is unmounted, edited or removed")
            #expect(root.mounts().map(\.target) == mounted && root.loopDevices() == loops)
            #expect(root.read(root.dropIn) == ours + Self.proxy)

            // The way out the line names: the admin's lines to local.conf, then teardown goes through.
            let local = (root.dropIn as NSString).deletingLastPathComponent + "/local.conf"
            try root.write(local, Self.proxy)
            try root.write(root.dropIn, ours)
            let result = try root.dockstore(["teardown"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(root.status(root.dropIn) == nil)
            #expect(root.read(local) == Self.proxy)
            #expect(root.mounts().isEmpty && root.loopDevices().isEmpty)
        }
    }
}
