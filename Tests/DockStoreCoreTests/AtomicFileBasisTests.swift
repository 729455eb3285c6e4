import Foundation
import Testing
@testable import DockStoreCore

/// Compare-and-swap of a file step (`FileBasis`, `AtomicFile.write(…basis:)`): the write goes
/// ahead only while the file holds exactly the bytes the plan was computed from; otherwise it
/// refuses and leaves the folder as it was (no backup, no temp file).
@Suite struct AtomicFileBasisTests {
    static let rows: [(read: [UInt8]?, now: [UInt8]?, refused: Bool)] = [
        (nil, nil, false),
        (Array("a\n".utf8), Array("a\n".utf8), false),
        ([], [], false),
        ([0xE9, 0x00, 0x0D], [0xE9, 0x00, 0x0D], false),
        (Array("a\n".utf8), Array("a\nb\n".utf8), true),
        (Array("a\n".utf8), Array("b\n".utf8), true),
        (Array("a\n".utf8), Array("a".utf8), true),
        (nil, [], true),            // created since (even empty)
        ([], nil, true),            // removed since
        (Array("a\n".utf8), nil, true),
        (nil, Array("a\n".utf8), true),
        ([0xE9], [0xC3, 0xA9], true), // same text in another encoding is other bytes
    ]

    @Test(arguments: 0..<rows.count)
    func theComparison(_ index: Int) {
        let row = Self.rows[index]
        let refusal = FileBasis(row.read).refusal(current: row.now, path: "/etc/fstab")
        #expect((refusal != nil) == row.refused, "row \(index)")
        if let refusal {
            #expect(refusal.kind == .refused)
            #expect(refusal.message == "/etc/fstab changed since dockstore read it (another program wrote it); nothing was written to it: re-run")
        }
    }

    func folder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockstore-basis-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func aChangedFileIsRefusedAndNothingIsWritten() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "old\n".write(toFile: folder + "/fstab.dockstore.bak", atomically: false, encoding: .utf8)
        try "planned\nadmin\n".write(toFile: folder + "/fstab", atomically: false, encoding: .utf8)
        #expect(throws: DockStoreError.self) {
            try AtomicFile.write(folder + "/fstab", Array("planned\nours\n".utf8), backupSuffix: ".dockstore.bak",
                                 basis: FileBasis(Array("planned\n".utf8)))
        }
        #expect(try String(contentsOfFile: folder + "/fstab", encoding: .utf8) == "planned\nadmin\n")
        #expect(try String(contentsOfFile: folder + "/fstab.dockstore.bak", encoding: .utf8) == "old\n", "the backup is not replaced")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == ["fstab", "fstab.dockstore.bak"])
    }

    @Test func aFileCreatedSinceIsRefused() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "admin\n".write(toFile: folder + "/docker", atomically: false, encoding: .utf8)
        #expect(throws: DockStoreError.self) {
            try AtomicFile.write(folder + "/docker", Array("ours\n".utf8), backupSuffix: ".dockstore.bak", basis: FileBasis(nil))
        }
        #expect(try String(contentsOfFile: folder + "/docker", encoding: .utf8) == "admin\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["docker"])
    }

    @Test func anUnchangedFileIsWrittenWithItsBackup() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "planned\n".write(toFile: folder + "/fstab", atomically: false, encoding: .utf8)
        try AtomicFile.write(folder + "/fstab", Array("planned\nours\n".utf8), backupSuffix: ".dockstore.bak",
                             basis: FileBasis(Array("planned\n".utf8)))
        #expect(try String(contentsOfFile: folder + "/fstab", encoding: .utf8) == "planned\nours\n")
        #expect(try String(contentsOfFile: folder + "/fstab.dockstore.bak", encoding: .utf8) == "planned\n")
        try AtomicFile.write(folder + "/new", Array("x\n".utf8), basis: FileBasis(nil))
        #expect(try String(contentsOfFile: folder + "/new", encoding: .utf8) == "x\n")
    }
}
