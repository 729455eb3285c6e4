import DockStoreCore
import Foundation
import Testing

/// Attack 25 K1: an fstab line for the image with an option the kernel's btrfs rejects
/// (`bogusopt`; `#defaults`, which libmount reads as an option) got a clean dry run, then every
/// run created, formatted and removed the image again and exited 1 with the kernel's "wrong fs
/// type, bad option", naming neither the line nor the option. The kernel's own parser is now
/// asked first (fsopen/fsconfig, mounting nothing): refused before anything is written, with
/// the line, the option and the kernel's words. The real kernel is the oracle both ways: the
/// options it takes still mount. On a kernel that judges options only at the mount (btrfs
/// before Linux 6.8) nothing is asked and the mount failure names the line's options.
/// This kernel's btrfs judges options at fsconfig (Linux 6.8 and later; this machine's is 6.18).
let btrfsJudgesOptionsAtFsconfig: Bool = {
    guard let text = try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8) else { return false }
    let parts = text.split(separator: ".").prefix(2).compactMap { Int($0.prefix(while: \.isNumber)) }
    guard parts.count == 2 else { return false }
    return parts[0] > 6 || (parts[0] == 6 && parts[1] >= 8)
}()

@Suite(.serialized, .enabled(if: isRoot && btrfsJudgesOptionsAtFsconfig, Comment(rawValue: needsRoot)))
struct KernelRejectedOptionIntegrationTests {

    @Test(arguments: [("bogusopt", "btrfs: Unknown parameter 'bogusopt'"), ("#defaults", "btrfs: Unknown parameter '#defaults'"),
                      ("noatime,subvol", "btrfs: Bad value for 'subvol'"),
                      // Attack 26 L6: a quoted value is asked as mount(2) hands it over, quotes and all.
                      ("nofail,compress=\"bogus\"", "fsconfig(2): Invalid argument, no message logged")])
    func anAdoptedLineWithAnOptionTheKernelRejectsIsRefusedFirst(_ options: String, _ why: String) throws {
        try withTestRoot { root in
            try root.write(root.fstab, "/var/lib/docker-storage.btrfs /var/lib/docker btrfs \(options) 0 0\n")
            let before = root.snapshot()
            let option = options.split(separator: ",").last.map(String.init) ?? options
            for dryRun in [["--dry-run"], []] {
                let run = try root.dockstore(["provision", "--size", "256M"] + dryRun)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderr == "dockstore: \(root.fstab) line 1 mounts the store with the option '\(option)', which the kernel's btrfs rejects (\(why)): every mount of the store would fail; correct it or take it out of that line and re-run (nothing was changed)\n",
                        "\(options) \(dryRun): exit \(run.status): \(run.stdout)\(run.stderr)")
                #expect(root.changes(since: before) == [], "\(options): nothing changed")
                #expect(root.mounts().isEmpty && root.loopDevices().isEmpty)
            }
        }
    }

    /// Attack 26 L2, L3: with the store mounted nothing was asked, so a rejected option added by
    /// the settings was written into fstab ("ready", check OK) and a hand-edited line passed as
    /// "in place"; the next boot mounted nothing. The line is what every boot mounts with: asked
    /// and refused whether or not the store is mounted now. L1: the security modules' options
    /// (`context=`, which libmount drops where SELinux is off) are not the filesystem's to judge.
    @Test func aMountedStoresLineAndSettingsAreAskedToo() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_MOUNT_OPTIONS=\"bogusopt\"\n")
            let before = root.snapshot()
            let settings = try root.dockstore(["provision"])
            #expect(settings.status == 64 && settings.stderr.contains("the kernel's btrfs rejects the mount option 'bogusopt'"), "exit \(settings.status): \(settings.stderr)")
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            _ = try root.sh("rm '\(root.path)/etc/sysconfig/dockstore' && sed -i 's/nofail,/nofail,bogusopt,/' '\(root.fstab)'")
            let edited = try root.dockstore(["provision"])
            // Line 2: dockstore's header comment is line 1.
            #expect(edited.status == ExitStatus.refused.rawValue && edited.stderr.contains("\(root.fstab) line 2 mounts the store with the option 'bogusopt'"),
                    "exit \(edited.status): \(edited.stdout)\(edited.stderr)")
            // Attack 26 L3: check said OK until the boot that mounts nothing; it says it now, as root.
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(root.fstab) line 2 mounts the store with the option 'bogusopt', which the kernel's btrfs rejects (btrfs: Unknown parameter 'bogusopt'): the next boot's mount of the store fails and dockstore provision refuses it, so Docker does not start; correct it or take it out of that line | "),
                    "\(check.stdout)\(check.stderr)")
            let prom = try root.dockstore(["check", "--format", "prometheus"])
            #expect(prom.stdout.contains("dockstore_status{mountpoint=\"\(root.mountpoint)\",reason=\"fstab_option_rejected\"} 2"), "\(prom.stdout)")
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            #expect(!nobody.stdout.contains("fstab_option_rejected") && !nobody.stdout.contains("bogusopt"), "without root the kernel cannot be asked: \(nobody.stdout)")
            _ = try root.sh("sed -i 's/nofail,bogusopt,/nofail,compress=zstd:3,/' '\(root.fstab)'")
            let taken = try root.dockstore(["check"])
            #expect(taken.status == 0, "an option the kernel takes: \(taken.stdout)\(taken.stderr)")
            _ = try root.sh("sed -i 's/nofail,compress=zstd:3,/nofail,/' '\(root.fstab)'")
            let selinux = try root.dockstore(["provision", "--dry-run", "--mount-options", "context=system_u:object_r:container_file_t:s0"])
            #expect(selinux.status == 0, "exit \(selinux.status): \(selinux.stdout)\(selinux.stderr)")
        }
    }

    @Test func optionsTheKernelTakesStillMountAndAnAskedForOneItRejectsIsAUsageError() throws {
        try withTestRoot { root in
            try root.write(root.fstab, "/var/lib/docker-storage.btrfs /var/lib/docker btrfs noatime,compress=zstd:3 0 0\n")
            let before = root.snapshot()
            let asked = try root.dockstore(["provision", "--size", "256M", "--mount-options", "commit=abc"])
            #expect(asked.status == 64 && asked.stderrLines.count == 1
                    && asked.stderr.contains("the kernel's btrfs rejects the mount option 'commit=abc'")
                    && asked.stderr.contains("DOCKSTORE_MOUNT_OPTIONS or --mount-options"), "exit \(asked.status): \(asked.stderr)")
            #expect(root.changes(since: before) == [])
            let run = try root.dockstore(["provision", "--size", "256M"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            let mounted = try root.sh("findmnt -n -o OPTIONS '\(root.mountpoint)'")
            #expect(mounted.contains("noatime") && mounted.contains("compress=zstd:3"), "\(mounted)")
        }
    }
}
