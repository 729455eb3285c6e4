import Foundation
import Testing
@testable import DockStoreCore

/// Reads that decide whether an action is safe: a file that is there but cannot be read is
/// "cannot tell", which refuses; only a file the kernel does not have is "not reported".
/// Each case is a real file tree (a sysfs root in a temporary folder), read for real.
@Suite struct FailClosedReadTests {
    static let uuid = "0c8e9a56-1111-4222-8333-944445555666"

    enum Attribute: String, CaseIterable, Sendable {
        case absent, idle, balance, folder
    }

    /// A sysfs root whose exclusive_operation is absent (a kernel before 5.10), says an
    /// operation, or cannot be read as a file (a folder in its place).
    func sysfs(_ attribute: Attribute) throws -> String {
        let root = NSTemporaryDirectory() + "dockstore-sysfs-" + UUID().uuidString
        let fs = root + "/fs/btrfs/" + Self.uuid
        try FileManager.default.createDirectory(atPath: fs, withIntermediateDirectories: true)
        let file = fs + "/exclusive_operation"
        switch attribute {
        case .absent: break
        case .idle: try Data("none\n".utf8).write(to: URL(fileURLWithPath: file))
        case .balance: try Data("balance\n".utf8).write(to: URL(fileURLWithPath: file))
        case .folder: try FileManager.default.createDirectory(atPath: file, withIntermediateDirectories: false)
        }
        return root
    }

    @Test(arguments: [
        (Attribute.absent, "none"), (.idle, "none"), (.balance, "balance"), (.folder, nil),
    ] as [(Attribute, String?)])
    func migrateEBSRefusesAnExclusiveOperationItCannotRead(_ attribute: Attribute, _ expected: String?) throws {
        let root = try sysfs(attribute)
        defer { try? FileManager.default.removeItem(atPath: root) }
        if let expected {
            #expect(try Migrator.exclusiveOperation(uuid: Self.uuid, sysfs: root) == expected)
        } else {
            do {
                _ = try Migrator.exclusiveOperation(uuid: Self.uuid, sysfs: root)
                Issue.record("an unreadable exclusive_operation read as idle")
            } catch let error as DockStoreError {
                #expect(error.kind == .refused)
                #expect(error.message.hasPrefix("cannot tell whether a balance or device operation runs on the store: "))
                #expect(error.message.contains("exclusive_operation"), "\(error.message)")
            }
        }
    }

    /// check (and status) keep an unreadable exclusive_operation as an unreadable part of the
    /// condition (UNKNOWN), never as "no operation runs".
    @Test(arguments: Attribute.allCases)
    func checkKeepsAnUnreadableExclusiveOperationAsUnreadable(_ attribute: Attribute) throws {
        let root = try sysfs(attribute)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var condition = StoreCondition()
        try CapacityProbe.readExclusiveOperation(uuid: Self.uuid, sysfs: root, into: &condition)
        #expect(condition.exclusiveOperation == (attribute == .balance ? "balance" : nil))
        #expect(condition.unreadable.count == (attribute == .folder ? 1 : 0), "\(condition.unreadable)")
    }
}
