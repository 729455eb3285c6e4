import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `dockstore reclaim --json` read with a real JSON parser on every outcome a run can end
/// with (the fourth outside attack, case reclaim_json): each carries `outcome` and `message`,
/// the message is the sentence the text output ends with, and `room` says what was lent and
/// whether, and how much of it, was given back.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReclaimJSONIntegrationTests {
    func parsed(_ result: RunResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "not JSON: \(result.stdout) \(result.stderr)")
    }

    func exhaustedImageStore(_ root: TestRoot) throws {
        try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
        try root.exhaustMetadata(keepEvery: 4)
    }

    @Test func healthyThenNothingToDo() throws {
        try withTestRoot { root in
            try exhaustedImageStore(root)
            let imageSize = root.status(root.image)?.st_size
            let result = try root.dockstore(["reclaim", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try parsed(result)
            #expect(json["outcome"] as? String == "healthy")
            let chunks = try #require(json["chunksRelocated"] as? Int)
            #expect(json["message"] as? String == "Healthy: \(chunks) chunks relocated.", "\(result.stdout)")
            let room = try #require(json["room"] as? [String: Any], "\(result.stdout)")
            #expect(room["kind"] as? String == "image")
            #expect(room["givenBack"] as? Bool == true, "\(room)")
            #expect((room["givenBackBytes"] as? Int ?? 0) > 0 && room["givenBackBytes"] as? Int == room["bytes"] as? Int, "\(room)")
            #expect((room["lent"] as? String ?? "").contains("grown from"), "\(room)")
            #expect(root.status(root.image)?.st_size == imageSize, "given back")
            let text = try root.dockstore(["reclaim"])
            let again = try root.dockstore(["reclaim", "--json"])
            let nothing = try parsed(again)
            #expect(nothing["outcome"] as? String == "nothing-to-do")
            let last = text.stdout.split(separator: "\n").last.map(String.init)
            #expect(nothing["message"] as? String == last, "the text's last line: \(text.stdout)")
            #expect(nothing["room"] == nil, "nothing lent")
        }
    }

    @Test func budgetSpent() throws {
        try withTestRoot { root in
            try exhaustedImageStore(root)
            let result = try root.dockstore(["reclaim", "--io-budget", "1M", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try parsed(result)
            #expect(json["outcome"] as? String == "io-budget-spent", "\(result.stdout)")
            let message = try #require(json["message"] as? String, "\(result.stdout)")
            #expect(message.hasPrefix("I/O budget spent: ") && message.contains("again to go on."), "\(message)")
            #expect((json["room"] as? [String: Any])?["givenBack"] as? Bool == true, "\(result.stdout)")
        }
    }

    /// Refused before a plan (nothing mounted) and refused by a step (the store's folder
    /// swapped for a link out of the root): outcome refused, the error's line as the message.
    @Test func refused() throws {
        try withTestRoot { root in
            let none = try root.dockstore(["reclaim", "--json"])
            #expect(none.status == 2)
            let json = try parsed(none)
            #expect(json["outcome"] as? String == "refused")
            let message = try #require(json["message"] as? String)
            #expect(none.stderr.contains(message), "the same line as stderr: \(none.stderr)")
            try exhaustedImageStore(root)
            let outside = root.path + ".outside"
            try root.sh("mkdir -p '\(outside)'")
            defer { _ = try? root.sh("rm -rf '\(outside)'") }
            let swapped = try root.runStopped(["reclaim", "--json"], before: "room-extend") {
                try root.sh("cd '\(root.path)/var' && mv lib lib.moved && ln -s '\(outside)' lib")
            }
            try root.sh("cd '\(root.path)/var' && rm lib && mv lib.moved lib")
            #expect(swapped.status == 2, "\(swapped.stderr)")
            let step = try parsed(swapped)
            #expect(step["outcome"] as? String == "refused", "\(swapped.stdout)")
            #expect((step["message"] as? String ?? "").contains("nothing was changed by [room-extend]"), "\(swapped.stdout)")
            #expect(step["before"] != nil, "the plan's figures")
            #expect(try root.dockstore(["reclaim"]).status == 0, "a re-run gives the room back")
        }
    }

    /// Failed: another btrfs mounted in the store's place before the figures after are read.
    @Test func failed() throws {
        try withTestRoot { root in
            try exhaustedImageStore(root)
            let other = root.path + "/other.img"
            try root.sh("truncate -s 256M \(other) && mkfs.btrfs -q \(other)")
            let result = try root.runStopped(["reclaim", "--json"], before: "reclaim-finish") {
                try root.sh("umount \(root.mountpoint) && mount -o loop \(other) \(root.mountpoint)")
            }
            defer { _ = try? root.sh("umount \(root.mountpoint)") }
            #expect(result.status == 1, "\(result.stderr)")
            let json = try parsed(result)
            #expect(json["outcome"] as? String == "failed", "\(result.stdout)")
            let message = try #require(json["message"] as? String)
            #expect(result.stderr.contains(message) && message.contains("this reclaim planned"), "\(result.stdout) \(result.stderr)")
        }
    }
}
