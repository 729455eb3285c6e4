import DockStoreCore
import Foundation
import Testing

/// Outside attack 12, B19: the options of an fstab line provision adopts (SUSE's older
/// docker-img-store-setup wrote it; an admin edited it once) or finds in place are judged by
/// the rule DOCKSTORE_MOUNT_OPTIONS is judged by: what the settings refuse makes provision
/// refuse (exit 2, one line naming the option, the line and what to do, nothing changed);
/// nosuid/nodev are kept with the settings' warning. check and status see noexec and
/// nosymfollow on the live mount, whatever put them there.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct LegacyLineOptionsIntegrationTests {
    static let refused: [(String, String, String)] = [
        ("ro", "ro", "mounts the store read-only: dockerd could not write a layer or a container there"),
        ("noexec", "noexec", "forbids running programs from the store: no container could start"),
        ("user", "user", "implies noexec: no container could start"),
        ("users", "users", "implies noexec: no container could start"),
        ("nosymfollow", "nosymfollow", "keeps paths on the store from following symbolic links"),
        ("offset=1048576", "offset=1048576", "is a loop device option"),
        ("sizelimit=1048576", "sizelimit=1048576", "is a loop device option"),
        ("loop=/dev/loop7", "loop=/dev/loop7", "is a loop device option"),
        ("defaults,noatime,noexec,ro", "noexec", "forbids running programs from the store"),
    ]

    @Test(arguments: refused)
    func anAdoptedLineWithAnOptionTheSettingsRefuseIsRefused(_ options: String, _ first: String, _ reason: String) throws {
        try withTestRoot { root in
            let line = "/var/lib/docker-storage.btrfs /var/lib/docker btrfs \(options) 0 0"
            try root.write(root.fstab, line + "\n")
            let before = root.snapshot()
            for dryRun in [["--dry-run"], []] {
                let result = try root.dockstore(["provision", "--size", "256M"] + dryRun)
                #expect(result.status == ExitStatus.refused.rawValue, "\(options): \(result.status) \(result.stdout) \(result.stderr)")
                #expect(result.stderrLines.count == 1, "\(result.stderr)")
                let head = "dockstore: \(root.fstab) line 1 mounts the store with the option '\(first)', which \(reason)"
                #expect(result.stderr.hasPrefix(head), "\(result.stderr)")
                #expect(result.stderr.hasSuffix("take \(options.split(separator: ",").filter { !["defaults", "noatime"].contains($0) }.map { "'\($0)'" }.joined(separator: ", ")) out of that line and re-run (nothing was changed)\n"), "\(result.stderr)")
                #expect(root.changes(since: before) == [], "\(options): nothing changed")
                #expect(root.mounts().isEmpty && root.loopDevices().isEmpty)
            }
            let status = try root.dockstore(["status"])
            #expect(status.status == ExitStatus.problems.rawValue && status.stdout.contains("mounts the store with the option '\(first)'"), "\(status.stdout)")
        }
    }

    /// nosuid and nodev only limit what runs there: adopted and kept, with the settings' warning.
    @Test func nosuidInAnAdoptedLineIsKeptWithTheSettingsWarning() throws {
        try withTestRoot { root in
            try root.write(root.fstab, "/var/lib/docker-storage.btrfs /var/lib/docker btrfs nosuid,nodev 0 0\n")
            let result = try root.dockstore(["provision", "--size", "256M"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr == MountOptions.containerEffects(["nosuid", "nodev"]).map { "dockstore: warning: \($0)\n" }.joined(), "\(result.stderr)")
            #expect(root.read(root.fstab)?.hasPrefix("/var/lib/docker-storage.btrfs /var/lib/docker btrfs nosuid,nodev,nofail,discard=async,") == true)
            #expect(root.mounts().first?.options.split(separator: ",").contains("nosuid") == true)
            #expect(try root.dockstore(["teardown", "--delete-image"]).status == 0)
        }
    }

    /// An option added by hand to the line dockstore wrote is judged the same at the next run.
    @Test func anOptionAddedToDockstoresOwnLineIsRefusedAtTheNextRun() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            _ = try root.sh("umount '\(root.mountpoint)'")
            for loop in root.loopDevices() { _ = try root.sh("losetup -d \(loop) 2>/dev/null || true") }
            let text = try #require(root.read(root.fstab))
            try root.write(root.fstab, text.replacingOccurrences(of: "nofail,", with: "noexec,nofail,"))
            let before = root.snapshot()
            let result = try root.dockstore(["provision"])
            #expect(result.status == ExitStatus.refused.rawValue && result.stderrLines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("mounts the store with the option 'noexec'"), "\(result.stderr)")
            #expect(root.changes(since: before) == [] && root.mounts().isEmpty)
        }
    }

    /// noexec / nosymfollow on the live mount: check CRITICAL, status a problem (exit 4).
    @Test(arguments: [("noexec", "exec"), ("nosymfollow", "symfollow")])
    func checkAndStatusSeeTheLiveMountsOption(_ option: String, _ undo: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            _ = try root.sh("mount -o remount,\(option) '\(root.mountpoint)'")
            let message = "\(root.mountpoint) is mounted \(option), which \(MountOptions.unusable(option) ?? ""); mount -o remount,\(undo) \(root.mountpoint) (and take \(option) out of its fstab line if it is there)"
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(message)"), "\(check.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.status == ExitStatus.problems.rawValue && status.stdout.contains(message), "\(status.stdout)")
            _ = try root.sh("mount -o remount,\(undo) '\(root.mountpoint)'")
            #expect(try root.dockstore(["status"]).status == 0)
            #expect(try root.dockstore(["teardown", "--delete-image"]).status == 0)
        }
    }
}
