@testable import DockStoreCore
import Foundation
import Testing

/// `ConfinedPath` resolves as openat2's RESOLVE_IN_ROOT does: absolute links and `..` stay
/// inside the root. A scratch tree under /tmp; no root privileges needed.
struct ConfinedPathTests {
    @Test(arguments: [
        // (links in the tree: path → target, host path, following the last, expected below the root)
        ([("etc", "/image/etc")], "/etc/fstab", false, "/image/etc/fstab"),
        ([("etc", "../../../../../../../image/etc")], "/etc/fstab", false, "/image/etc/fstab"),
        ([("etc/systemd", "/a"), ("a", "b"), ("b", "/c/../../..")], "/etc/systemd/x", false, "/x"),
        ([("etc/fstab", "/image/fstab")], "/etc/fstab", false, "/etc/fstab"),
        ([("etc/fstab", "/image/fstab")], "/etc/fstab", true, "/image/fstab"),
        ([("var/lib", "/missing/deeper")], "/var/lib/docker", false, "/missing/deeper/docker"),
        ([("var/lib", "/var/lib")], "/var/lib/docker", false, "/var/lib/docker"),
        ([], "/", false, ""),
    ] as [([(String, String)], String, Bool, String)])
    func resolvesInsideTheRoot(_ links: [(String, String)], _ path: String, _ following: Bool, _ expected: String) throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for folder in ["image/etc", "var", "c"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        for (link, target) in links {
            try FileManager.default.createDirectory(atPath: (root + "/" + link as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: root + "/" + link, withDestinationPath: target)
        }
        let resolved = ConfinedPath.resolve(root: root, try HostPath(path, what: "path"), followingLast: following)
        #expect(resolved == root + expected)
    }

    @Test func aLoopOfLinksEndsInsideTheRoot() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createSymbolicLink(atPath: root + "/etc", withDestinationPath: "/etc")
        #expect(ConfinedPath.resolve(root: root, try HostPath("/etc/fstab", what: "p"), followingLast: false).hasPrefix(root + "/"))
    }

    func scratch() throws -> String {
        var template = Array("/tmp/dockstore-confined.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        return URL(fileURLWithPath: String(cString: made)).resolvingSymlinksInPath().path
    }
}
