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
}
