import Foundation
import Testing
@testable import DockStoreCore

/// Mount unit names against the real reader: `systemd-escape --path --suffix=mount`.
@Suite struct SystemdUnitNameTests {
    static let paths = ["/var/lib/docker", "/", "/srv/docker store", "/a-b/c", "/x\\y", "//a//b/", "/a/./b", "/.hidden/x",
                        "/caf\u{e9}", "/a:b_c.d", "/100%/x", "/tab\there", "/a,b", "/-lead", "/var/lib/docker/"]

    static let table: [(String, String)] = [
        ("/var/lib/docker", "var-lib-docker.mount"),
        ("/", "-.mount"),
        ("/a-b/c d", "a\\x2db-c\\x20d.mount"),
        ("/.hidden/x", "\\x2ehidden-x.mount"),
        ("//a//b/", "a-b.mount"),
    ]

    @Test(arguments: table)
    func escapes(_ path: String, _ expected: String) {
        #expect(SystemdUnitName.mount(path) == expected)
    }

    /// systemd-escape comes with systemd, which scripts/test installs: a missing one is a failure.
    @Test(arguments: paths)
    func agreesWithSystemdEscape(_ path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-escape")
        process.arguments = ["--path", "--suffix=mount", "--", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(SystemdUnitName.mount(path) == output.trimmingCharacters(in: .newlines), "\(path)")
    }
}
