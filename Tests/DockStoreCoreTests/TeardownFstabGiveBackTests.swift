@testable import DockStoreCore
import Testing

/// teardown gives /etc/fstab back (third outside attack on issue 15): a file dockstore created
/// is removed again, the newline dockstore added to a last line goes back, and a line naming
/// the store that libmount cannot read refuses teardown before anything changes.
@Suite struct TeardownFstabGiveBackTests {
    static let host: DockStoreCore.Host = { (try? DockStoreCore.Host(root: "/")) ?? { fatalError("no /") }() }()
    static let line = "/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,loop 0 0"

    static func fstabStep(_ fstab: String) throws -> TeardownStep? {
        try TeardownPlanner.plan(.fixture(imageExists: true, fstab: fstab), TeardownRequest(deleteImage: true), host)
            .first { $0.id == "fstab" }
    }

    @Test func removesTheFileItCreated() throws {
        let created = FstabFile.createdMark + "\n" + Self.line + "\n"
        guard case .removeFstab(_, let basis)? = try Self.fstabStep(created) else {
            Issue.record("expected removeFstab"); return
        }
        #expect(basis == FileBasis(Array(created.utf8)))
        // An admin's line in it keeps the file (with the mark).
        let added = FstabFile.createdMark + "\n" + Self.line + "\nUUID=a /data ext4 defaults 0 2\n"
        guard case .writeFstab(let bytes, _, _)? = try Self.fstabStep(added) else { Issue.record("expected writeFstab"); return }
        #expect(bytes == Array((FstabFile.createdMark + "\nUUID=a /data ext4 defaults 0 2\n").utf8))
    }

    /// (fstab after provision, fstab after teardown)
    static let endings: [(String, String)] = [
        ("UUID=a / ext4 defaults 0 1\n\(FstabFile.endedLineMark)\n\(line)\n", "UUID=a / ext4 defaults 0 1"),
        // An admin's line appended after dockstore's: the newline now ends a line that has more after it.
        ("UUID=a / ext4 defaults 0 1\n\(FstabFile.endedLineMark)\n\(line)\nUUID=b /data ext4 defaults 0 2\n",
         "UUID=a / ext4 defaults 0 1\nUUID=b /data ext4 defaults 0 2\n"),
        // The mark not right before the line is an ordinary comment: it stays.
        ("\(FstabFile.endedLineMark)\nUUID=a / ext4 defaults 0 1\n\(line)\n", "\(FstabFile.endedLineMark)\nUUID=a / ext4 defaults 0 1\n"),
    ]

    @Test(arguments: endings)
    func givesBackTheNewlineItAdded(_ provisioned: String, _ expected: String) throws {
        guard case .writeFstab(let bytes, _, _)? = try Self.fstabStep(provisioned) else { Issue.record("expected writeFstab"); return }
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    /// An admin's `echo LINE >> /etc/fstab` glued onto the store's line (written without a
    /// newline by an older dockstore): teardown refuses, exit 2, naming the line, before
    /// anything — least of all the image — goes.
    @Test(arguments: ["UUID=a / ext4 defaults 0 1\n\(line)UUID=b /data ext4 defaults 0 2\n",
                      "/var/lib/docker\n", "/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,loop 0 x\n"])
    func refusesALineNamingTheStoreItCannotRead(_ fstab: String) throws {
        let error = try #require(throws: DockStoreError.self) { try Self.fstabStep(fstab) }
        #expect(error.kind == .refused)
        #expect(error.message.contains("/etc/fstab line ") && error.message.contains("nothing was changed"), "\(error.message)")
        #expect(!error.message.contains("\n"))
    }
}
