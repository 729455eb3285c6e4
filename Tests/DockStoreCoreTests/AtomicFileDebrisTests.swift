import Foundation
import Testing
@testable import DockStoreCore

/// An atomic write killed between creating its temp file and the rename leaves that temp
/// file; the next write of the same file removes it (and its backup's), never one a live
/// process is still writing.
@Suite struct AtomicFileDebrisTests {
    @Test func theNextWriteRemovesWhatAKilledWriteLeft() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockstore-debris-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A pid that cannot be running: above the kernel's pid_max.
        let dead: Int32 = 4_194_400
        let debris = [".docker.dockstore-\(dead)-0", ".docker.dockstore.bak.dockstore-\(dead)-3"]
        let kept = [".docker.dockstore-\(getppid())-0", ".other.dockstore-\(dead)-0", ".docker.dockstore-x-1"]
        for name in debris + kept { try "half".write(toFile: folder + "/" + name, atomically: false, encoding: .utf8) }
        try "old\n".write(toFile: folder + "/docker", atomically: false, encoding: .utf8)
        try AtomicFile.write(folder + "/docker", Array("new\n".utf8), backupSuffix: ".dockstore.bak")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(names == Set(["docker", "docker.dockstore.bak"] + kept), "\(names.sorted())")
        #expect(try String(contentsOfFile: folder + "/docker", encoding: .utf8) == "new\n")
    }

    /// Only the exact name `replace` gives: decimal PID and attempt (0 to 99), no sign, no
    /// leading zero, nothing after.
    @Test(arguments: [
        (".fstab.dockstore-123-0", Int32(123)), (".fstab.dockstore-7-99", 7),
        (".fstab.dockstore-+123-0", nil), (".fstab.dockstore-0123-0", nil), (".fstab.dockstore-123-00", nil),
        (".fstab.dockstore-123-100", nil), (".fstab.dockstore-123-0-1", nil), (".fstab.dockstore-123", nil),
        (".fstab.dockstore--1-0", nil), (".fstab.dockstore-0-0", nil), (".fstabx.dockstore-1-0", nil),
    ] as [(String, Int32?)])
    func aTempNameIsExactlyThePattern(_ entry: String, _ pid: Int32?) {
        #expect(AtomicFile.tempFilePID(entry, of: "fstab") == pid, "\(entry)")
    }

    /// A symlink, a hard link of another file and a FIFO at a dead process's temp name are
    /// kept: dockstore creates only regular files with one link there.
    @Test func whatDockstoreCannotHaveMadeStays() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dockstore-debris-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let dead: Int32 = 4_194_400
        try "secret\n".write(toFile: folder + "/passwd", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder + "/.fstab.dockstore-\(dead)-0", withDestinationPath: folder + "/passwd")
        try FileManager.default.linkItem(atPath: folder + "/passwd", toPath: folder + "/.fstab.dockstore-\(dead)-1")
        #expect(mkfifo(folder + "/.fstab.dockstore-\(dead)-2", 0o600) == 0)
        try "half".write(toFile: folder + "/.fstab.dockstore-\(dead)-3", atomically: false, encoding: .utf8)
        try AtomicFile.write(folder + "/fstab", Array("new\n".utf8), backupSuffix: ".dockstore.bak")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(names == Set(["fstab", "passwd"] + (0...2).map { ".fstab.dockstore-\(dead)-\($0)" }), "\(names.sorted())")
    }
}
