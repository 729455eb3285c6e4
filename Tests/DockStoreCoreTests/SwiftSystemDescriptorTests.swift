import Foundation
import Testing
@testable import DockStoreCore

/// System's file I/O through swift-system's `FileDescriptor`: real files in a temporary folder,
/// and every failure arriving as a `DockStoreError` with the operation, the path, errno's text
/// and the errno itself. No root needed.
@Suite struct SwiftSystemDescriptorTests {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockstore-fd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    @Test func errnoTextAndNamesAreTheCLibrarys() {
        defer { cleanUp() }
        #expect(Errno.text(ENOENT) == String(cString: strerror(ENOENT)))
        #expect(Errno.text(EBUSY) == "Device or resource busy")
        #expect(Errno.noSuchFileOrDirectory == ENOENT)
        #expect(Errno.resourceBusy == EBUSY)
        #expect(Errno.tooManySymbolicLinkLevels == ELOOP)
        #expect(Errno.inappropriateIOCTLForDevice == ENOTTY)
        #expect(Errno.notSupported == EOPNOTSUPP)
    }

    @Test func aFailedOpenIsADockStoreErrorWithOperationPathAndErrno() throws {
        defer { cleanUp() }
        let missing = folder + "/missing"
        do {
            try Syscall.withDescriptor(missing, .readOnly) { _ in Issue.record("opened a missing file") }
            Issue.record("no error")
        } catch let error as DockStoreError {
            #expect(error.message == "cannot open \(missing): No such file or directory")
            #expect(error.code == ENOENT)
            #expect(error.kind == .failed)
        }
    }

    @Test func fileContentsReadsWholeFilesAcrossChunks() throws {
        defer { cleanUp() }
        let path = folder + "/big"
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try FileContents.read(path) == bytes)
        #expect(try FileContents.read(folder + "/missing") == nil)
        #expect(throws: DockStoreError.refused("\(path) is larger than \(ByteSize.format(1000)), more than dockstore reads of a configuration file; make it smaller (or move it away) and re-run")) {
            try FileContents.read(path, limit: 1000)
        }
    }

    @Test func fileContentsRefusesALinkAndAFolder() throws {
        defer { cleanUp() }
        let link = folder + "/link"
        try "x".write(toFile: folder + "/target", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder + "/target")
        #expect(throws: DockStoreError.refused("\(link) is a symbolic link: dockstore does not edit files through links; replace it with the file itself")) {
            try FileContents.read(link)
        }
        let sub = folder + "/sub"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        #expect(throws: DockStoreError.refused("\(sub) is a folder, not a regular file; replace it with the file itself (or remove it) and re-run")) {
            try FileContents.read(sub)
        }
    }

    @Test func atomicWriteWritesEveryByte() throws {
        defer { cleanUp() }
        let path = folder + "/written"
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try AtomicFile.write(path, bytes)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
        try AtomicFile.write(path, [])
        #expect(try FileContents.read(path) == [])
    }

    @Test func theSuperblockIsReadAtItsOffset() throws {
        defer { cleanUp() }
        let short = folder + "/short"
        try Data(count: 65536).write(to: URL(fileURLWithPath: short))
        #expect(try BtrfsSuperblock.read(short) == nil)

        var block = [UInt8](repeating: 0, count: 65536 + 4096)
        let fsid: [UInt8] = (0..<16).map { UInt8($0 * 17) }
        block.replaceSubrange((65536 + 32)..<(65536 + 48), with: fsid)
        block.replaceSubrange((65536 + 64)..<(65536 + 72), with: Array("_BHRfS_M".utf8))
        block[65536 + 201] = 3
        block[65536 + 136] = 2
        block[65536 + 48 + 2] = 1 // bytenr 65536: a primary superblock at its place
        let deviceUUID: [UInt8] = (0..<16).map { UInt8(0xf0 - $0) }
        block.replaceSubrange((65536 + 267)..<(65536 + 283), with: deviceUUID)
        let device = folder + "/device"
        try Data(block).write(to: URL(fileURLWithPath: device))
        #expect(try BtrfsSuperblock.read(device) == BtrfsSuperblock(fsid: "00112233-4455-6677-8899-aabbccddeeff", devid: 3,
                                                                   deviceUUID: "f0efeeed-eceb-eae9-e8e7-e6e5e4e3e2e1", numDevices: 2))

        // A mirror's copy shown at 64 KiB (a view shifted by an offset) says its own place.
        block[65536 + 48 + 2] = 0
        block[65536 + 48 + 3] = 0x04 // 64 MiB
        try Data(block).write(to: URL(fileURLWithPath: device))
        #expect(try BtrfsSuperblock.read(device)?.bytenr == 64 << 20)

        #expect(throws: DockStoreError.system("cannot open", folder + "/none", errno: ENOENT)) {
            try BtrfsSuperblock.read(folder + "/none")
        }
    }

    /// mkfs.btrfs's early superblock (BTRFS_MAGIC_TEMPORARY "!BHRfS_M") is read only by
    /// `readTemporary`, a finished one only by `read`.
    @Test func theTemporarySuperblockIsToldFromTheFinishedOne() throws {
        defer { cleanUp() }
        var block = [UInt8](repeating: 0, count: 65536 + 4096)
        let fsid: [UInt8] = (0..<16).map { UInt8($0 * 17) }
        block.replaceSubrange((65536 + 32)..<(65536 + 48), with: fsid)
        block.replaceSubrange((65536 + 64)..<(65536 + 72), with: Array("!BHRfS_M".utf8))
        let unfinished = folder + "/unfinished"
        try Data(block).write(to: URL(fileURLWithPath: unfinished))
        #expect(try BtrfsSuperblock.readTemporary(unfinished)?.fsid == "00112233-4455-6677-8899-aabbccddeeff")
        #expect(try BtrfsSuperblock.read(unfinished) == nil)

        block.replaceSubrange((65536 + 64)..<(65536 + 72), with: Array("_BHRfS_M".utf8))
        let finished = folder + "/finished"
        try Data(block).write(to: URL(fileURLWithPath: finished))
        #expect(try BtrfsSuperblock.readTemporary(finished) == nil)
        #expect(try BtrfsSuperblock.read(finished)?.fsid == "00112233-4455-6677-8899-aabbccddeeff")
    }

    @Test func theEndsOfAFileAreReadForBlankness() throws {
        defer { cleanUp() }
        let zeros = folder + "/zeros"
        try Data(count: 3 << 20).write(to: URL(fileURLWithPath: zeros))
        #expect(BlockProbe.endsAreZero(zeros) == .blank)

        var tail = [UInt8](repeating: 0, count: 3 << 20)
        tail[tail.count - 1] = 1
        let data = folder + "/data"
        try Data(tail).write(to: URL(fileURLWithPath: data))
        #expect(BlockProbe.endsAreZero(data) == .unrecognizedData)

        #expect(BlockProbe.endsAreZero(folder + "/none") == .unreadable("cannot open: No such file or directory"))
    }

    @Test func extendGrowsNeverShrinksAndRefusesALink() throws {
        defer { cleanUp() }
        let image = folder + "/image"
        try Data(count: 4096).write(to: URL(fileURLWithPath: image))
        try ImageFile.extend(image, to: 1 << 20)
        #expect(try FileManager.default.attributesOfItem(atPath: image)[.size] as? Int == 1 << 20)
        try ImageFile.extend(image, to: 4096)
        #expect(try FileManager.default.attributesOfItem(atPath: image)[.size] as? Int == 1 << 20)

        let link = folder + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: image)
        #expect(throws: DockStoreError.system("cannot open", link, errno: ELOOP)) {
            try ImageFile.extend(link, to: 2 << 20)
        }
        #expect(try FileManager.default.attributesOfItem(atPath: image)[.size] as? Int == 1 << 20)
    }
}
