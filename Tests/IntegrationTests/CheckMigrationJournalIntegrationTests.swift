import DockStoreCore
import Foundation
import Testing

/// Attack 25 J4: a migration journal cut short, empty or a folder made status, provision and
/// grow refuse, and the next boot's provision mount nothing, while check said OK until that
/// boot. check as root now says CRITICAL `migration_journal` with provision's own reason;
/// without root the journal (root's 0600 file) is not judged.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct CheckMigrationJournalIntegrationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var make: String
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "cut short", make: "printf '{\"device\":\"/dev/lo' > J && chmod 600 J"),
        Case(name: "empty", make: ": > J && chmod 600 J"),
        Case(name: "a folder", make: "mkdir J && chmod 700 J"),
    ]

    @Test(arguments: cases)
    func aJournalTheBootCannotReadIsCritical(_ row: Case) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            _ = try root.sh("chmod 755 '\(root.path)' && mkdir -p '\(root.path)/var/lib/dockstore'")
            let journal = root.path + "/var/lib/dockstore/migration.json"
            _ = try root.sh(row.make.replacingOccurrences(of: "J", with: "'\(journal)'"))
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 2 && boot.stderr.contains(journal), "\(boot.stdout)\(boot.stderr)")
            let reason = boot.stderr.dropFirst("dockstore: ".count).trimmingCharacters(in: .newlines)

            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(reason); until then the next boot's dockstore provision refuses and mounts nothing at \(root.mountpoint), so Docker does not start | "),
                    "\(check.stdout)\(check.stderr)")
            let prom = try root.dockstore(["check", "--format", "prometheus"])
            #expect(prom.stdout.contains("dockstore_status{mountpoint=\"\(root.mountpoint)\",reason=\"migration_journal\"} 2"), "\(prom.stdout)")
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            #expect(!nobody.stdout.contains("migration_journal") && !nobody.stdout.contains(journal), "\(nobody.stdout)\(nobody.stderr)")

            // The figures of the kernel alone (reclaim's, grow's) do not read the journal, and
            // do not take "not read" for "cannot be read".
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).condition.journalUnreadable == nil)

            _ = try root.sh("rm -r '\(journal)'")
            let after = try root.dockstore(["check"])
            #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
        }
    }
}
