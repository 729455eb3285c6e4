import DockStoreCore
import Foundation
import Testing

/// Attack 33 T 15: with /var/lib a link to /srv/varlib, systemd-fstab-generator names the unit
/// of the store's line srv-varlib-docker.mount (it resolves links, `chase_symlinks`), but
/// dockstore wrote its drop-ins for var-lib-docker.mount, a unit that never exists: the mount's
/// condition on the image was lost, docker.service waited for nothing, and status said "not-found
/// … daemon-reload reads it". Both drop-ins name the unit systemd makes now, a re-run finds them
/// in place, and teardown removes them with their folders. (The boot tier's symlinked-var-lib
/// scenario has systemd itself as the oracle.)
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct SymlinkedParentMountUnitIntegrationTests {
    @Test func theDropInsNameTheUnitSystemdMakes() throws {
        try withTestRoot { root in
            _ = try root.sh("mkdir -p '\(root.path)/srv' && mv '\(root.path)/var/lib' '\(root.path)/srv/varlib' && ln -s /srv/varlib '\(root.path)/var/lib'")
            let run = try root.dockstore(["provision", "--size", "256M"])
            try #require(run.status == 0, "\(run.stdout)\(run.stderr)")
            let unitFolder = root.path + "/etc/systemd/system/srv-varlib-docker.mount.d"
            #expect(FileManager.default.fileExists(atPath: unitFolder + "/dockstore.conf"), "\(run.stdout)")
            #expect(!FileManager.default.fileExists(atPath: root.path + "/etc/systemd/system/var-lib-docker.mount.d"))
            let dropIn = root.read(root.dropIn) ?? ""
            #expect(dropIn.contains("Wants=srv-varlib-docker.mount\nAfter=srv-varlib-docker.mount\nPartOf=srv-varlib-docker.mount\nAssertPathIsMountPoint=/var/lib/docker\n"), "\(dropIn)")
            #expect(run.stdout.contains("docker.service waits for srv-varlib-docker.mount"), "\(run.stdout)")
            // systemd-escape is the oracle for the name of the resolved path
            let escaped = try root.run("/usr/bin/systemd-escape", ["--path", "--suffix=mount", "/srv/varlib/docker"])
            #expect(escaped.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "srv-varlib-docker.mount")

            let again = try root.dockstore(["provision"])
            #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout)\(again.stderr)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 0 && status.stdout.contains("drop-in:") && !status.stdout.contains("var-lib-docker.mount"), "\(status.stdout)")

            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stdout)\(down.stderr)")
            #expect(!FileManager.default.fileExists(atPath: unitFolder), "\(down.stdout)")
            #expect(!FileManager.default.fileExists(atPath: root.dropIn))
        }
    }

    /// The review of b7b243f: the plan named the drop-in of the unit it observed, but the write
    /// resolved the mountpoint again. /var/lib made a link while provision is stopped before the
    /// drop-in step: the step refuses in one line and writes no drop-in under either unit's name;
    /// a re-run writes the one of the unit systemd makes now.
    @Test func aLinkMadeAfterThePlanIsRefusedNotFollowed() throws {
        try withTestRoot { root in
            let result = try root.runStopped(["provision", "--size", "256M"], before: "mount-drop-in") {
                _ = try root.sh("mkdir -p '\(root.path)/srv' && mv '\(root.path)/var/lib' '\(root.path)/srv/varlib' && ln -s /srv/varlib '\(root.path)/var/lib'")
            }
            #expect(result.status == ExitStatus.refused.rawValue, "\(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("/var/lib/docker resolves to /srv/varlib/docker now, so systemd mounts it as srv-varlib-docker.mount, not as var-lib-docker.mount, whose drop-in \(root.path)/etc/systemd/system/var-lib-docker.mount.d/dockstore.conf this provision planned: a link on its path was changed while provision ran; the steps before this one are done, the drop-in was not written: point the link back and run dockstore provision again"),
                    "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root.path + "/etc/systemd/system/var-lib-docker.mount.d/dockstore.conf"))
            #expect(!FileManager.default.fileExists(atPath: root.path + "/etc/systemd/system/srv-varlib-docker.mount.d/dockstore.conf"))

            let again = try root.dockstore(["provision"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(FileManager.default.fileExists(atPath: root.path + "/etc/systemd/system/srv-varlib-docker.mount.d/dockstore.conf"), "\(again.stdout)")
            #expect((root.read(root.dropIn) ?? "").contains("Wants=srv-varlib-docker.mount\n"))
        }
    }

    /// Attack 34 W C3: a space or a tab in the path a link leads to made the resolved path the
    /// root (`HostPath.known` refuses such a path and falls back to `/`): both drop-ins named
    /// `-.mount`, the image condition sat on the root's unit and docker.service was PartOf it.
    /// The unit is named as systemd-escape names the resolved path, with the byte escaped.
    @Test(arguments: ["a b", "a\tb"])
    func aBlankInTheLinksTargetIsEscapedNotTheRoot(_ folder: String) throws {
        try withTestRoot { root in
            let target = "/srv/" + folder
            try FileManager.default.createDirectory(atPath: root.path + target, withIntermediateDirectories: true)
            try FileManager.default.removeItem(atPath: root.path + "/var/lib")
            try FileManager.default.createSymbolicLink(atPath: root.path + "/var/lib", withDestinationPath: target)
            let run = try root.dockstore(["provision", "--size", "256M"])
            try #require(run.status == 0, "\(run.stdout)\(run.stderr)")
            let escaped = try root.run("/usr/bin/systemd-escape", ["--path", "--suffix=mount", target + "/docker"])
            let unit = escaped.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(unit.hasPrefix("srv-a\\x") && unit.hasSuffix("b-docker.mount"), "\(unit)")
            #expect(FileManager.default.fileExists(atPath: root.path + "/etc/systemd/system/\(unit).d/dockstore.conf"), "\(run.stdout)")
            #expect(!FileManager.default.fileExists(atPath: root.path + "/etc/systemd/system/-.mount.d"))
            let dropIn = root.read(root.dropIn) ?? ""
            #expect(dropIn.contains("Wants=\(unit)\nAfter=\(unit)\nPartOf=\(unit)\n") && !dropIn.contains("-.mount"), "\(dropIn)")
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout)\(again.stderr)")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0 && !FileManager.default.fileExists(atPath: root.path + "/etc/systemd/system/\(unit).d"), "\(down.stdout)\(down.stderr)")
        }
    }

    /// Attack 34 X F1: a link whose target made the resolved mountpoint's unit name longer than
    /// 253 bytes passed the length check (made on the path as given): provision mounted the
    /// store, wrote fstab and a docker.service drop-in naming a unit systemd names by a hash,
    /// then failed with "File name too long" on the unit's drop-in folder, and status and
    /// teardown failed the same way. It is refused before anything changes; status says so and
    /// teardown has nothing to take down.
    @Test func aLinkToAPathTooLongForAUnitNameIsRefused() throws {
        try withTestRoot { root in
            let long = "/srv/" + (0..<4).map { String(repeating: Character(UnicodeScalar(UInt8(ascii: "d") + UInt8($0))), count: 60) }.joined(separator: "/")
            _ = try root.sh("mkdir -p '\(root.path)\(long)' && mv '\(root.path)/var/lib' '\(root.path)\(long)/lib' && ln -s '\(long)/lib' '\(root.path)/var/lib'")
            let before = root.snapshot()
            let run = try root.dockstore(["provision", "--size", "256M"])
            #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1
                    && run.stderr.contains("refusing: /var/lib/docker resolves through a symbolic link to \(long)/lib/docker, whose systemd mount unit name would be longer than 253 bytes")
                    && run.stderr.hasSuffix("shorten the link's target or give another --mountpoint; nothing was changed\n"), "\(run.stdout)\(run.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            #expect(try root.sh("findmnt -rn -o TARGET | grep -c '^\(root.path)/' || true").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("'dockstore provision' refuses until the first is resolved:\n  - refusing: /var/lib/docker resolves through a symbolic link"), "\(status.status) \(status.stdout)\(status.stderr)")
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(down.stdout)\(down.stderr)")
        }
    }
}
