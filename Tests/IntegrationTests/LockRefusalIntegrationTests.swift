import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The seventh outside attack: a read-only or immutable `run/` made every changing command exit 1
/// ("cannot open the lock file"), which provision(8) reads as "re-running finishes what was
/// started", although nothing had started. The lock comes before any change, so it is a refusal:
/// exit 2, one line saying what to make writable, the tree unchanged.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct LockRefusalIntegrationTests {
    /// (how run/ is made unwritable, how it is made writable again)
    static let cases: [(String, String)] = [
        ("chattr +i $R/run", "chattr -i $R/run"),
        ("mount -t tmpfs -o ro,size=1m tmpfs $R/run", "umount $R/run"),
    ]

    @Test(arguments: cases.indices)
    func anUnwritableRunFolderRefusesBeforeAnyChange(_ index: Int) throws {
        let (lock, unlock) = Self.cases[index]
        try withTestRoot { root in
            try root.write(root.fstab, "# host\n")
            try root.sh(lock.replacingOccurrences(of: "$R", with: root.path))
            defer { _ = try? root.sh(unlock.replacingOccurrences(of: "$R", with: root.path)) }
            for command in [["provision"], ["backend", "vfs", "--force"]] {
                let before = root.snapshot()
                let result = try root.dockstore(command)
                #expect(result.status == 2, "\(command[0]) (\(lock)): \(result.stdout) \(result.stderr)")
                #expect(result.stderrLines.count == 1, "\(command[0]): \(result.stderr)")
                #expect(result.stderr.contains("cannot open the lock file") && result.stderr.contains("make \(root.path)/run writable"),
                        "\(command[0]): \(result.stderr)")
                #expect(root.changes(since: before) == [], "\(command[0])")
            }
        }
    }
}
