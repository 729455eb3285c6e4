import Testing
@testable import DockStoreCore

/// Whose the docker.service drop-in is: dockstore rewrites or removes it only when it holds
/// exactly what some version of dockstore writes, never when an admin added a line.
@Suite struct DockerDropInOwnershipTests {
    static let current = DockerDropIn.render(mountpoint: HostPaths.defaultMountpoint, unit: MountUnitName.of(HostPaths.defaultMountpoint))
    /// What dockstore wrote before paths were escaped for systemd (a `%` went in bare).
    static func unescaped(_ path: String) -> String {
        "# Written by dockstore provision; a re-run rewrites it.\n# Docker must never start on the bare folder underneath its storage.\n[Unit]\nRequiresMountsFor=\(path)\n"
    }
    static let proxy = "[Service]\nEnvironment=HTTP_PROXY=http://proxy:3128\n"

    /// What the versions before the assertion wrote: `RequiresMountsFor=` and the escaped path.
    static func legacy(_ path: String) -> String {
        DockerDropIn.legacyHeader + UnitFileEscape.pathWord(path) + "\n"
    }

    static let cases: [(String, [UInt8], String?)] = [
        ("exactly what this version writes", Array(current.utf8), nil),
        ("this version, another mountpoint", Array(DockerDropIn.render(mountpoint: .known("/srv/docker-store"), unit: MountUnitName.of(.known("/srv/docker-store"))).utf8), nil),
        ("this version, a path with a percent, a quote and a dash", Array(DockerDropIn.render(mountpoint: .known("/srv/it's-50%"), unit: MountUnitName.of(.known("/srv/it's-50%"))).utf8), nil),
        ("the version before the assertion", Array(legacy("/var/lib/docker").utf8), nil),
        ("the version before the assertion, a quoted path", Array(legacy("/srv/it's").utf8), nil),
        ("an older version, before escaping, another mountpoint", Array(unescaped("/data/50%docker").utf8), nil),
        ("admin lines appended", Array((current + proxy).utf8), "does not assert one absolute path"),
        ("admin lines appended to the old version", Array((legacy("/var/lib/docker") + proxy).utf8), "it holds lines after RequiresMountsFor="),
        ("a blank line appended", Array((current + "\n").utf8), "does not assert one absolute path"),
        ("a blank line appended to the old version", Array((legacy("/var/lib/docker") + "\n").utf8), "it holds lines after RequiresMountsFor="),
        ("admin lines in front", Array((proxy + current).utf8), "it does not start with the lines dockstore writes"),
        ("an admin's line between", Array(current.replacingOccurrences("PartOf=", "Requires=var-lib-docker.mount\nPartOf=").utf8), "not the ones dockstore writes for /var/lib/docker"),
        ("the mount unit of another path", Array(current.replacingOccurrences("Wants=var-lib-docker.mount", "Wants=srv.mount").utf8), "not the ones dockstore writes for /var/lib/docker"),
        ("the assertion negated", Array(current.replacingOccurrences("MountPoint=/", "MountPoint=!/").utf8), "not the ones dockstore writes for !/var/lib/docker"),
        ("a lone percent in the path", Array(current.replacingOccurrences("=/var/lib/docker", "=/var/lib/50%docker").utf8), "does not assert one absolute path"),
        ("a path with a dot component", Array(current.replacingOccurrences("=/var/lib/docker", "=/var/lib/../docker").utf8), "not the ones dockstore writes"),
        ("only an admin's lines", Array(proxy.utf8), "it does not start with the lines dockstore writes"),
        ("empty", [], "it does not start with the lines dockstore writes"),
        ("CRLF line ends", Array(current.replacingOccurrences("\n", "\r\n").utf8), "it does not start with the lines dockstore writes"),
        ("CR only on the last line", Array((current.dropLast() + "\r\n").utf8), "does not assert one absolute path"),
        ("CR only on the last line of the old version", Array((legacy("/var/lib/docker").dropLast() + "\r\n").utf8), "whitespace or a control character"),
        ("no newline at the end", Array(current.dropLast().utf8), "does not assert one absolute path"),
        ("no newline at the end of the old version", Array(legacy("/var/lib/docker").dropLast().utf8), "its last line has no newline"),
        ("not UTF-8", Array(current.utf8.dropLast()) + [0xFF, 0x0A], "it is not UTF-8 text"),
        ("not UTF-8 in an appended line", Array((current + "# ").utf8) + [0xE9, 0x0A], "it is not UTF-8 text"),
        ("a relative path", Array(unescaped("var/lib/docker").utf8), "does not name one absolute path"),
        ("two paths on the line", Array(unescaped("/var/lib/docker /srv").utf8), "whitespace or a control character"),
        ("no path", Array(unescaped("").utf8), "does not name one absolute path"),
    ]

    @Test(arguments: cases)
    func classifies(_ name: String, _ bytes: [UInt8], _ reason: String?) {
        let ownership = DockerDropIn.ownership(of: bytes)
        if let reason {
            guard case .foreign(let said) = ownership else {
                Issue.record("\(name): taken for dockstore's")
                return
            }
            #expect(said.contains(reason), "\(name): \(said)")
        } else {
            #expect(ownership == .dockstore, "\(name)")
        }
    }

    /// The mountpoint teardown reads from the drop-in (which store Docker's configuration serves):
    /// systemd's reading of the word (`EscapeOracleTests` checks it against systemd-analyze for
    /// random paths), and none from a drop-in that is not dockstore's.
    static let mountpoints: [(String, [UInt8], String?)] = [
        ("this version", Array(current.utf8), "/var/lib/docker"),
        ("a quoted path with a backslash, a quote and a percent", Array(DockerDropIn.render(mountpoint: .known("/srv/a\\b\"c%d"), unit: MountUnitName.of(.known("/srv/a\\b\"c%d"))).utf8), "/srv/a\\b\"c%d"),
        ("a percent before a combining mark (one Character to Swift, two scalars to systemd)", Array(DockerDropIn.render(mountpoint: .known("/srv/%%\u{05B9}x"), unit: MountUnitName.of(.known("/srv/%%\u{05B9}x"))).utf8), "/srv/%%\u{05B9}x"),
        ("with the folder record line", Array(DockerDropIn.render(mountpoint: .known("/srv/docker"), createdFolders: [.known("/srv/docker")]).utf8), "/srv/docker"),
        ("the version before the assertion, a quoted path", Array(legacy("/srv/a\\b\"c%d").utf8), "/srv/a\\b\"c%d"),
        ("an older version, before escaping", Array(unescaped("/data/docker").utf8), "/data/docker"),
        ("admin lines appended", Array((current + proxy).utf8), nil),
        ("two paths on the line", Array(unescaped("/var/lib/docker /srv").utf8), nil),
    ]

    @Test(arguments: mountpoints)
    func readsTheMountpoint(_ name: String, _ bytes: [UInt8], _ expected: String?) {
        #expect(DockerDropIn.mountpoint(in: bytes) == expected, "\(name)")
    }

    @Test func refusalIsOneLineNamingTheFileAndTheWayOut() {
        let error = DockerDropIn.refusal("it holds lines after RequiresMountsFor=",
                                         path: "/etc/systemd/system/docker.service.d/dockstore.conf", command: "provision")
        #expect(error.kind == .refused)
        #expect(!error.message.contains("\n"))
        #expect(error.message.hasPrefix("/etc/systemd/system/docker.service.d/dockstore.conf is not the drop-in dockstore writes"))
        #expect(error.message.contains("/etc/systemd/system/docker.service.d/local.conf"))
        #expect(error.message.contains("or remove /etc/systemd/system/docker.service.d/dockstore.conf"))
    }
}
