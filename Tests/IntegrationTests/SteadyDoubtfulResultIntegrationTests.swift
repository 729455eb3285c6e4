@testable import DockStoreCore
import Foundation
import Testing

/// `MountTableChange.steady`'s `doubtful`: a result that is no failure but may be a stale read
/// (status finding provision's refusal "not IMAGE" as a `mount -o loop` racer let the image's
/// loop device go) is made again when the mount table changed during its try, stands when it
/// did not, and is refused as "kept changing" when the mounts at a watched path moved to the end.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct SteadyDoubtfulResultIntegrationTests {
    @Test func aDoubtedResultReadAsAMountCameAndWentIsMadeAgain() throws {
        try withTestRoot { root in
            let folder = root.path + "/elsewhere"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var tries = 0
            let made = try MountTableChange.steady(for: 5, doubtful: { (value: Int) in value == 1 ? MountTableChange.Doubt("the first read") : nil }) { () throws -> Int in
                tries += 1
                if tries == 1 { _ = try root.sh("mount -t tmpfs dockstore-doubt '\(folder)' && umount '\(folder)'") }
                return tries
            }
            #expect(made == 2 && tries == 2)
        }
    }

    @Test func aDoubtedResultStandsWhenNoMountChanged() throws {
        var tries = 0
        let made = try MountTableChange.steady(for: 5, doubtful: { (_: Int) in MountTableChange.Doubt("always doubted") }) { () throws -> Int in
            tries += 1
            return tries
        }
        #expect(made == 1 && tries == 1)
    }

    @Test func aDoubtedResultWhileTheWatchedMountsKeepMovingIsRefusedAsThat() throws {
        try withTestRoot { root in
            let watched = root.path + "/watched"
            try FileManager.default.createDirectory(atPath: watched, withIntermediateDirectories: true)
            defer { _ = try? root.sh("while umount '\(watched)' 2>/dev/null; do :; done") }
            var tries = 0
            let result = Result {
                try MountTableChange.steady(for: 0.5, watching: [watched], doubtful: { (_: Int) in MountTableChange.Doubt("provision would refuse") }) { () throws -> Int in
                    tries += 1
                    _ = try root.sh("mount -t tmpfs dockstore-doubt-\(tries) '\(watched)'")
                    return tries
                }
            }
            guard case .failure(let error as DockStoreError) = result else { Issue.record("not refused: \(result)"); return }
            #expect(tries > 1)
            #expect(error.kind == .refused)
            #expect(error.message.contains("kept changing while dockstore read them (\(tries) tries)"), "\(error.message)")
            #expect(error.message.contains("the last try said: provision would refuse"), "\(error.message)")
        }
    }
}
