import Foundation
import Testing
@testable import DockStoreCore

/// Outside attack 11, B13: an fstab line for `/var/lib/./docker` (or `/var/lib/docker/.`,
/// `/var/lib/../lib/docker`) is the same mountpoint to systemd-fstab-generator and the kernel,
/// but was compared as another path: provision appended its own line, and the generator then
/// failed on the duplicate unit. Targets and sources are now read as the generator reads them
/// (systemd's path_simplify, then `..` against the folder before it).
@Suite struct FstabPathSpellingTests {
    /// Spellings of /var/lib/docker whose folders before a `..` are real folders on a Debian
    /// host, so the generator (which resolves `..` on the real folders) is their oracle.
    static let spellingsOfTheMountpoint = [
        "/var/lib/./docker", "/var/lib/docker/.", "/var/lib/../lib/docker", "//var//lib///docker//",
        "/./var/lib/docker/./", "/../var/lib/docker", "/../../var/./lib/docker", "/var/./lib/../lib/./docker/",
        "/var/../var/lib/docker",
    ]

    @Test(arguments: [
        ("/var/lib/docker", "/var/lib/docker"), ("/var/lib/./docker", "/var/lib/docker"),
        ("/var/lib/docker/.", "/var/lib/docker"), ("/var/lib/../lib/docker", "/var/lib/docker"),
        ("//var//lib///docker//", "/var/lib/docker"), ("/../var/lib/docker", "/var/lib/docker"),
        ("/var/lib/docker/x/..", "/var/lib/docker"), ("/", "/"), ("/.", "/"), ("/..", "/"), ("//", "/"),
        ("/var/lib/...", "/var/lib/..."), ("/var/lib/.docker", "/var/lib/.docker"), ("/var/lib/docker..", "/var/lib/docker.."),
        ("tmpfs", "tmpfs"), ("UUID=1", "UUID=1"), ("./x", "./x"),
        ("/a/" + String(repeating: "n", count: 256) + "/./b/", "/a/" + String(repeating: "n", count: 256) + "/./b/"),
    ])
    func normalizesAsSystemdReadsIt(_ spelled: String, _ read: String) {
        #expect(FstabEntry.normalize(spelled) == read)
    }

    @Test(arguments: spellingsOfTheMountpoint)
    func aLineForAnotherSpellingOfTheMountpointIsRefused(_ spelled: String) {
        let fstab = FstabFile(text: "tmpfs \(spelled) tmpfs noauto 0 0\n")
        #expect(throws: DockStoreError.refused("/etc/fstab line 1 already mounts tmpfs at /var/lib/docker; remove that line or choose another --mountpoint")) {
            try fstab.storeLineEdit(source: HostPaths.defaultImage.string, target: HostPaths.defaultMountpoint, fstype: "btrfs",
                                    requiredOptions: ["nofail", "loop"], path: "/etc/fstab")
        }
    }

    @Test(arguments: ["/var/lib/./docker-storage.btrfs", "/var/lib/../lib/docker-storage.btrfs", "//var/lib/docker-storage.btrfs"])
    func theImageSpelledAnotherWayMountedElsewhereIsRefused(_ spelled: String) {
        let fstab = FstabFile(text: "\(spelled) /srv btrfs loop 0 0\n")
        #expect(throws: DockStoreError.refused("/etc/fstab line 1 mounts /var/lib/docker-storage.btrfs at /srv too; remove that line, a store must be mounted once")) {
            try fstab.storeLineEdit(source: HostPaths.defaultImage.string, target: HostPaths.defaultMountpoint, fstype: "btrfs",
                                    requiredOptions: ["nofail", "loop"], path: "/etc/fstab")
        }
    }

    /// Attack 25 K3: a target with a trailing blank (`\040` in fstab) was shown bare, reading as
    /// the store's own mountpoint ("at /var/lib/docker  too"); it is quoted now.
    @Test func aTargetWithABlankIsShownQuoted() {
        let fstab = FstabFile(text: "/var/lib/docker-storage.btrfs /var/lib/docker\\040 btrfs defaults 0 0\n")
        #expect(throws: DockStoreError.refused("/etc/fstab line 1 mounts /var/lib/docker-storage.btrfs at '/var/lib/docker ' too; remove that line, a store must be mounted once")) {
            try fstab.storeLineEdit(source: HostPaths.defaultImage.string, target: HostPaths.defaultMountpoint, fstype: "btrfs",
                                    requiredOptions: ["nofail"], path: "/etc/fstab")
        }
    }

    /// The oracle: systemd-fstab-generator names one mount unit per line; its path (unescaped
    /// by systemd-escape) is what dockstore reads the line's target as.
    @Test(.enabled(if: EscapeOracleTests.hasSystemd, "needs systemd-fstab-generator and systemd-escape"),
          arguments: spellingsOfTheMountpoint + ["/srv/./a//b/", "/srv/../opt/y", "/usr/./share/../lib/z"])
    func theGeneratorReadsTheSameMountpoint(_ spelled: String) throws {
        let folder = try EscapeOracleTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        try Data("tmpfs \(spelled) tmpfs noauto 0 0\n".utf8).write(to: URL(fileURLWithPath: folder + "/fstab"))
        let generated = try EscapeOracleTests.run(EscapeOracleTests.generator, [out, out, out],
                                                  environment: ["SYSTEMD_FSTAB": folder + "/fstab", "SYSTEMD_LOG_LEVEL": "err"])
        let units = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".mount") }
        guard generated.status == 0, units.count == 1, let unit = units.first else {
            Issue.record("\(spelled): the generator made \(units) (exit \(generated.status)): \(generated.err)"); return
        }
        let unescaped = try EscapeOracleTests.run("/usr/bin/systemd-escape", ["--unescape", "--path", String(unit.dropLast(6))])
        #expect(String(unescaped.out.dropLast()) == FstabEntry.normalize(spelled), "\(spelled)")
    }
}
