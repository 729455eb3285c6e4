import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Outside attack 11, B16: after `btrfs device stats -z` (what check's WARNING asks for) the
/// record kept the old counters, since it was written only while a counter was non-zero; new
/// errors up to the old count then compared equal and read "none new since the last check"
/// (WARNING). Now the check after the reset records the zeros, and the new errors are CRITICAL.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct CheckDeviceErrorsResetIntegrationTests {
    @Test func newErrorsAfterAResetAreCritical() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("python3 -c 'import sys; sys.stdout.buffer.write(b\"DOCKSTORE-CORRUPT\" * 8000)' > \(root.mountpoint)/victim && sync && btrfs filesystem sync \(root.mountpoint)")
            let offset = try #require(Int(try root.sh("grep -obUa DOCKSTORE-CORRUPT \(root.image) | head -1 | cut -d: -f1").trimmingCharacters(in: .whitespacesAndNewlines)))
            try root.sh("printf XXXXXXXX | dd of=\(root.image) bs=1 seek=\(offset) conv=notrunc status=none && sync && echo 1 > /proc/sys/vm/drop_caches")
            #expect(try root.run("/bin/cat", [root.mountpoint + "/victim"]).status != 0, "the read fails its checksum")
            let record = root.path + DeviceErrorLedger.defaultPath.string
            let first = try root.dockstore(["check"])
            #expect(first.status == 2 && first.stdout.contains("corruption_errs rising"), "\(first.stdout)")
            let seen = try #require(root.read(record))
            #expect(!seen.contains("corruption_errs=0"), "\(seen)")
            // Held CRITICAL for --error-hold after the rise (B13 of attack 12); with no hold, old errors.
            let again = try root.dockstore(["check"])
            #expect(again.status == 2 && again.stdout.contains("rising since"), "\(again.stdout)")
            let unheld = try root.dockstore(["check", "--error-hold", "0"])
            #expect(unheld.status == 1 && unheld.stdout.contains("none new since"), "\(unheld.stdout)")

            try root.sh("btrfs device stats -z \(root.mountpoint) >/dev/null")
            let reset = try root.dockstore(["check"])
            #expect(reset.status == 0, "\(reset.stdout)")
            let zeros = try #require(root.read(record))
            #expect(zeros.contains("/1 write_errs=0 read_errs=0 flush_errs=0 corruption_errs=0 generation_errs=0"), "the zeros are recorded: \(zeros)")
            let quiet = try root.dockstore(["check"])
            #expect(quiet.status == 0, "\(quiet.stdout)")

            // The same read fails again: as many errors as before the reset, all of them new.
            try root.sh("echo 1 > /proc/sys/vm/drop_caches")
            _ = try root.run("/bin/cat", [root.mountpoint + "/victim"])
            let rose = try root.dockstore(["check"])
            #expect(rose.status == 2, "new errors after the reset are CRITICAL: \(rose.stdout)")
            #expect(rose.stdout.contains("corruption_errs rising"), "\(rose.stdout)")
        }
    }

    /// A healthy store with no record writes none (and a non-root check needs no write).
    @Test func aHealthyStoreWritesNoRecord() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            #expect(try root.dockstore(["check"]).status == 0)
            #expect(root.status(root.path + DeviceErrorLedger.defaultPath.string) == nil)
        }
    }
}
