@testable import DockStoreCore
import Foundation
import Testing

/// reclaim.json under a `--root`: the room file is stored inside the root, as every path in
/// the journals; a journal that stored the real path is still read; another file is refused.
@Suite struct ReclaimJournalTests {
    static let uuid = "0b9a7c2e-3f4d-4e6a-9c1b-8d2e5f6a7b8c"

    func withRoot(_ body: (DockStoreCore.Host) throws -> Void) throws {
        // Under the run's own folder when scripts/test runs us (its sweep removes it).
        let parent = ProcessInfo.processInfo.environment["DOCKSTORE_TEST_TMPDIR"] ?? FileManager.default.temporaryDirectory.path
        let root = parent + "/dockstore-journal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try body(try DockStoreCore.Host(root: root))
    }

    func stored(_ host: DockStoreCore.Host) throws -> String {
        try String(contentsOfFile: host.real(ReclaimJournal.path), encoding: .utf8)
    }

    func put(_ host: DockStoreCore.Host, file: String) throws {
        try host.makeFolders(ReclaimJournal.path.parent)
        let text = #"{"filesystemUUID":"\#(Self.uuid)","started":1,"room":{"kind":"device","bytes":1073741824,"file":"\#(file)"}}"#
        try text.write(toFile: host.real(ReclaimJournal.path), atomically: false, encoding: .utf8)
    }

    @Test func theRoomFileIsStoredInsideTheRoot() throws {
        try withRoot { host in
            let real = host.real(ReclaimJournal.roomFile)
            #expect(real.hasPrefix(host.root + "/"))
            try ReclaimJournal(filesystemUUID: Self.uuid, started: 1, room: .device(file: real, bytes: 1 << 30)).write(host: host)
            let text = try stored(host)
            #expect(text.contains(#""file":"\/var\/lib\/dockstore\/reclaim-room.img""#) || text.contains(#""file":"/var/lib/dockstore/reclaim-room.img""#), "\(text)")
            #expect(!text.contains(host.root), "\(text)")
            #expect(try ReclaimJournal.read(host: host)?.room?.file == real, "read back as the real path")
        }
    }

    @Test func anOldJournalWithTheRealPathIsRead() throws {
        try withRoot { host in
            try put(host, file: host.real(ReclaimJournal.roomFile))
            #expect(try ReclaimJournal.read(host: host)?.room?.file == host.real(ReclaimJournal.roomFile))
        }
    }

    /// The identity of the temporary member's file (recorded with its devid, so that the
    /// give-back deletes only that file) is kept; a journal written before it reads as nil.
    @Test func theRoomFilesIdentityRoundTripsAndIsNilInAnOlderJournal() throws {
        try withRoot { host in
            try put(host, file: ReclaimJournal.roomFile.string)
            let old = try ReclaimJournal.read(host: host)?.room
            #expect(old?.fileDevice == nil && old?.fileInode == nil)
            var room = TemporaryRoom.device(file: host.real(ReclaimJournal.roomFile), bytes: 1 << 30)
            (room.devid, room.deviceUUID, room.fileDevice, room.fileInode) = (2, Self.uuid, 64769, 131)
            try ReclaimJournal(filesystemUUID: Self.uuid, started: 1, room: room).write(host: host)
            let text = try stored(host)
            #expect(text.contains(#""fileDevice":64769,"fileInode":131"#), "\(text)")
            #expect(try ReclaimJournal.read(host: host)?.room == room)
        }
    }

    @Test func aRoomFileNotThisStoresIsRefused() throws {
        try withRoot { host in
            for file in ["/var/lib/dockstore/other.img", "/tmp/elsewhere/var/lib/dockstore/reclaim-room.img", "/etc/passwd"] {
                try put(host, file: file)
                let error = #expect(throws: DockStoreError.self) { try ReclaimJournal.read(host: host) }
                #expect(error?.message.contains("not this store's /var/lib/dockstore/reclaim-room.img") == true, "\(error?.message ?? "")")
                #expect(error?.kind == .refused)
            }
        }
    }
}
