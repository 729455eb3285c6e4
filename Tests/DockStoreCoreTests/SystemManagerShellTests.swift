@testable import DockStoreCore
import Foundation
import Testing

/// `%s` as the system manager expands it (the harness CI's unit-oracle, which runs systemd
/// --test as nobody, saw /usr/sbin/nologin where dockstore said root's passwd shell): systemd
/// 252's `get_shell` for uid 0 takes /bin/bash when that path resolves in the tree, else
/// /bin/sh, and never reads /etc/passwd. The boot tier's docker-unit scenario checks it against
/// a booted PID 1.
@Suite struct SystemManagerShellTests {
    func withTree(_ body: (String, DockStoreCore.Host) throws -> Void) throws {
        let parent = ProcessInfo.processInfo.environment["DOCKSTORE_TEST_TMPDIR"] ?? FileManager.default.temporaryDirectory.path
        let root = parent + "/dockstore-shell-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "root:x:0:0:root:/root:/bin/zsh\n".write(toFile: root + "/etc/passwd", atomically: false, encoding: .utf8)
        try body(root, try DockStoreCore.Host(root: root))
    }

    @Test func withoutBashItIsBinSh() throws {
        try withTree { _, host in
            #expect(DockerServiceReading.defaultRootShell(on: host) == "/bin/sh")
        }
    }

    @Test func bashInTheTreeIsTakenWhateverPasswdSays() throws {
        try withTree { root, host in
            try FileManager.default.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
            try "".write(toFile: root + "/bin/bash", atomically: false, encoding: .utf8)
            #expect(DockerServiceReading.defaultRootShell(on: host) == "/bin/bash")
        }
    }

    @Test func aMergedUsrLinkIsFollowedInsideTheTree() throws {
        try withTree { root, host in
            try FileManager.default.createDirectory(atPath: root + "/usr/bin", withIntermediateDirectories: true)
            try "".write(toFile: root + "/usr/bin/bash", atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: root + "/bin", withDestinationPath: "usr/bin")
            #expect(DockerServiceReading.defaultRootShell(on: host) == "/bin/bash")
        }
    }

    @Test func anAbsoluteLinkResolvesInTheTreeNotOnTheHost() throws {
        try withTree { root, host in
            // /bin -> /usr/bin: the host has /usr/bin/bash, the tree does not
            try FileManager.default.createSymbolicLink(atPath: root + "/bin", withDestinationPath: "/usr/bin")
            #expect(DockerServiceReading.defaultRootShell(on: host) == "/bin/sh")
        }
    }
}
