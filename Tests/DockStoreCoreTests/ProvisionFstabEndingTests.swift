import Testing
@testable import DockStoreCore

/// Provision ends the store's own fstab line with a newline when it finds it as the file's
/// last line without one (kept as it is, or adopted), so that an admin's
/// `echo LINE >> /etc/fstab` does not glue onto it; teardown removes that line with its
/// newline and gives back every byte before it.
@Suite struct ProvisionFstabEndingTests {
    static let host = ProvisionPlannerTests.host
    static let ourLine = String(ProvisionPlannerTests.ourLine.dropLast())
    static let other = "UUID=a / ext4 defaults 0 1"

    static func fstabStep(_ fstab: String) throws -> ProvisionStep? {
        let observed = ProvisionPlannerTests.with { $0.fstab = Array(fstab.utf8) }
        return try ProvisionPlanner.plan(observed, ProvisionPlannerTests.request, host).steps.first { $0.id == "fstab" }
    }

    /// (fstab as found, fstab provision writes)
    static let cases: [(String, String)] = [
        ("\(other)\n\(ourLine)", "\(other)\n\(ourLine)\n"),
        (ourLine, ourLine + "\n"),
        // SUSE's docker-img-store-setup line, adopted: its options grow and it ends.
        ("\(other)\n/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0 0",
         "\(other)\n\(ourLine)\n"),
    ]

    @Test(arguments: cases)
    func endsTheStoreLine(_ found: String, _ written: String) throws {
        guard case .writeFstab(let bytes, let change, let basis)? = try Self.fstabStep(found) else {
            Issue.record("expected writeFstab"); return
        }
        #expect(String(decoding: bytes, as: UTF8.self) == written)
        #expect(basis == FileBasis(Array(found.utf8)))
        #expect(!change.contains("\n"))
    }

    /// A store line that already ends, or is not the last line, is left alone.
    @Test(arguments: ["\(other)\n\(ourLine)\n", "\(ourLine)\n\(other)"])
    func leavesAnEndedLine(_ found: String) throws {
        #expect(try Self.fstabStep(found) == nil)
    }

    /// Teardown after provision gives back the bytes before the store line, each ended as it
    /// was, also with an admin's line appended after provision.
    @Test(arguments: [("\(other)\n\(ourLine)\n", "\(other)\n"),
                      ("\(other)\n\(ourLine)\nUUID=b /data ext4 defaults 0 2\n", "\(other)\nUUID=b /data ext4 defaults 0 2\n"),
                      // Written by an older dockstore, unended: the line above stays ended.
                      ("\(other)\n\(ourLine)", "\(other)\n")])
    func teardownGivesBackTheLinesBefore(_ provisioned: String, _ expected: String) throws {
        var file = FstabFile(text: provisioned)
        let index = try #require(file.entries(mountingAt: HostPaths.defaultMountpoint).first?.index)
        file.remove(lineAt: index)
        #expect(String(decoding: file.bytes, as: UTF8.self) == expected)
    }
}
