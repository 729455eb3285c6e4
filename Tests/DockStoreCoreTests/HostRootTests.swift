import Foundation
import Testing
@testable import DockStoreCore

/// `--root` with a control character (attack 11, B08): a newline in it split every plan line and
/// status row that named a path under it. Refused (exit 64) before anything is read.
@Suite struct HostRootTests {
    @Test(arguments: ["B\nnl", "tab\there", "del\u{7f}x"])
    func aRootWithAControlCharacterIsRefused(name: String) throws {
        let parent = NSTemporaryDirectory() + "dockstore-root-" + UUID().uuidString
        let folder = parent + "/" + name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let error = #expect(throws: DockStoreError.self) { try Host(root: folder) }
        #expect(error?.kind == .usage)
        #expect(error?.message.contains("contains the control character U+") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("\n") == false)
    }

    @Test func anOrdinaryRootIsTaken() throws {
        let folder = NSTemporaryDirectory() + "dockstore-root-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try Host(root: folder).root.hasSuffix(folder.split(separator: "/").last.map(String.init) ?? "?"))
    }
}
