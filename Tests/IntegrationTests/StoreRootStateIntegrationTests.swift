import DockStoreCore
import Foundation
import Testing

/// The store's btrfs mounted read-write but not writable by Docker, or not showing Docker's
/// data (attack 12 A8/B11, B12's immutable data root, A2): check CRITICAL, status a problem,
/// provision a warning (a read-only subvolume, an immutable data root) or a refusal (another
/// subvolume than the top level), each naming the command that undoes it.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct StoreRootStateIntegrationTests {
    @Test func aSubvolumeFlaggedReadOnlyIsCriticalAProblemAndAWarningAtBoot() throws {
        try withTestRoot { root in
            let mp = root.mountpoint
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("btrfs property set \(mp) ro true")
            let check = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stdout.hasPrefix("DOCKSTORE CRITICAL - the subvolume at \(mp) is flagged read-only"), "\(check.stdout)")
            #expect(check.stdout.contains("btrfs property set \(mp) ro false"), "\(check.stdout)")
            let prom = try root.dockstore(["check", "--state-file", "/errors", "--format", "prometheus"])
            #expect(prom.stdout.contains("reason=\"subvolume_read_only\"} 2"), "\(prom.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4, "\(status.stdout)")
            #expect(status.stdout.contains("  - the subvolume at \(mp) is flagged read-only"), "\(status.stdout)")
            // A reboot: the flag is on disk and survives it; provision mounts and warns.
            try root.sh("umount \(mp)")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stderr)")
            #expect((boot.stdout + boot.stderr).contains("the subvolume at \(mp) is flagged read-only"), "\(boot.stdout)\(boot.stderr)")
            try root.sh("btrfs property set \(mp) ro false")
            #expect(try root.dockstore(["check", "--state-file", "/errors"]).status == 0)
            #expect(try root.dockstore(["status"]).status == 0)
        }
    }

    @Test func anImmutableOrAppendOnlyDataRootIsCriticalAndAProblem() throws {
        try withTestRoot { root in
            let mp = root.mountpoint
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            for (letter, name) in [("i", "immutable"), ("a", "append-only")] {
                try root.sh("chattr +\(letter) \(mp)")
                let check = try root.dockstore(["check", "--state-file", "/errors"])
                #expect(check.status == 2, "\(check.stdout)")
                #expect(check.stdout.hasPrefix("DOCKSTORE CRITICAL - the data root \(mp) has the \(name) attribute"), "\(check.stdout)")
                #expect(check.stdout.contains("chattr -\(letter) \(mp)"), "\(check.stdout)")
                let status = try root.dockstore(["status"])
                #expect(status.status == 4, "\(status.stdout)")
                #expect(status.stdout.contains("has the \(name) attribute"), "\(status.stdout)")
                try root.sh("chattr -\(letter) \(mp)")
                #expect(try root.dockstore(["check", "--state-file", "/errors"]).status == 0)
            }
        }
    }

    @Test func anotherDefaultSubvolumeIsCriticalAProblemAndRefusedAtBoot() throws {
        try withTestRoot { root in
            let mp = root.mountpoint
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("mkdir \(mp)/containers && echo x > \(mp)/containers/data")
            try root.sh("btrfs subvolume create \(mp)/snap >/dev/null && btrfs subvolume set-default \(mp)/snap && umount \(mp)")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 2, "\(boot.stdout)\(boot.stderr)")
            let says = "the btrfs at \(mp) shows subvolume 256, not the store's top level (id 5)"
            #expect(boot.stderr.contains(says), "\(boot.stderr)")
            #expect(boot.stderr.contains("btrfs subvolume set-default 5 \(mp)"), "\(boot.stderr)")
            #expect(!boot.stdout.contains("ready"), "\(boot.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4, "\(status.stdout)")
            #expect(status.stdout.components(separatedBy: says).count == 2, "said once: \(status.stdout)")
            let check = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(says)"), "\(check.stdout)")
            // Mounted at boot by fstab already: provision refuses the same way.
            let again = try root.dockstore(["provision"])
            #expect(again.status == 2 && again.stderr.contains(says), "\(again.stderr)")
            // The remedy as told.
            try root.sh("btrfs subvolume set-default 5 \(mp) && umount \(mp)")
            #expect(try root.dockstore(["provision"]).status == 0)
            #expect(FileManager.default.fileExists(atPath: "\(mp)/containers/data"))
            #expect(try root.dockstore(["check", "--state-file", "/errors"]).status == 0)
        }
    }
}
