import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 11's message findings: what grow, teardown and status say in states a kill or an
/// admin's `rm`/`mv` left, each told as check tells it and with the command that works.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct EleventhAttackMessageIntegrationTests {
    func loop(_ root: TestRoot) throws -> String {
        try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
    }

    /// check's CRITICAL text, without its perfdata.
    func checkVerdict(_ root: TestRoot) throws -> String {
        let check = try root.dockstore(["check", "--state-file", "/errors"])
        #expect(check.status == 2, "\(check.stdout)")
        let text = check.stdout.split(separator: "\n").first.map(String.init) ?? ""
        let body = text.dropFirst("DOCKSTORE CRITICAL - ".count)
        return String(body[..<(body.range(of: " | ")?.lowerBound ?? body.endIndex)])
    }

    /// A-13: grow on an image store whose image was deleted while mounted called it "a device
    /// store" (exit 64, --to) or had nothing to do (exit 0, no --to). Now both refuse with
    /// check's message: do not unmount, copy the data out of the loop device first.
    @Test func growOnADeletedImageRefusesWithChecksAdvice() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let loop = try loop(root)
            try root.sh("rm \(root.image)")
            let verdict = try checkVerdict(root)
            #expect(verdict.hasPrefix("the image \(root.image) was deleted while mounted: do not unmount, detach \(loop) or reboot"), "\(verdict)")
            let before = root.snapshot()
            for arguments in [["grow", "--to", "1500M"], ["grow"]] {
                let grow = try root.dockstore(arguments)
                #expect(grow.status == 2, "\(arguments): \(grow.stdout) \(grow.stderr)")
                #expect(grow.stderr == "dockstore: refusing to grow: \(verdict)\n", "\(arguments): \(grow.stderr)")
                #expect(!grow.stderr.contains("device store") && !grow.stderr.contains("EBS"), "\(grow.stderr)")
            }
            #expect(root.changes(since: before) == [])
        }
        reliability("attack 11 messages: grow on a deleted image", cases: 2, runs: 2)
    }

    /// A-13 and the teardown finding: the image renamed away while mounted. grow and teardown
    /// refuse as provision does (check's image_moved state, "move it back before unmounting",
    /// naming both paths), never "no fstab line names UUID=…".
    @Test func growAndTeardownOnAMovedImageSayMoveItBack() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let loop = try loop(root)
            let old = root.image + ".old"
            try root.sh("mv \(root.image) \(old)")
            let verdict = try checkVerdict(root)
            #expect(verdict == "the image \(root.image) was moved away while mounted: \(loop) at \(root.mountpoint) runs on \(old); nothing is at \(root.image) now, so the next boot makes a new, empty store there; move it back before unmounting: mv -n \(old) \(root.image)", "\(verdict)")
            let refusal = "dockstore: refusing: the image \(root.image) was moved away while mounted: \(loop) at \(root.mountpoint) runs on \(old); nothing is at \(root.image) now, so the next boot makes a new, empty store there, so do not unmount it or reboot; move it back before unmounting: mv -n \(old) \(root.image), and re-run\n"
            let before = root.snapshot()
            for arguments in [["grow", "--to", "1500M"], ["grow"], ["teardown"], ["teardown", "--delete-image"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2, "\(arguments): \(run.stdout) \(run.stderr)")
                #expect(run.stderr == refusal, "\(arguments): \(run.stderr)")
            }
            #expect(root.changes(since: before) == [])
            #expect(root.mounts().contains { $0.target == root.mountpoint })
            // The advice works: moved back, teardown takes the store down.
            try root.sh("mv \(old) \(root.image)")
            let teardown = try root.dockstore(["teardown"])
            #expect(teardown.status == 0, "\(teardown.stdout) \(teardown.stderr)")
        }
        reliability("attack 11 messages: grow and teardown on a moved image", cases: 4, runs: 4)
    }

    /// `teardown --wipe-device` killed after its wipe. status sent the admin to AWS
    /// ("check that the volume is attached") and to provision; now it says a teardown was
    /// interrupted and that the same teardown finishes it, which it does.
    @Test func statusAfterAKilledWipeSaysRunTeardownAgain() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let uuid = try root.sh("blkid -p -s UUID -o value \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            let killed = try root.dockstore(["teardown", "--wipe-device"], environment: [Failpoint.variable: "wipe-device"])
            try #require(killed.signal == SIGKILL, "\(killed.stderr)")
            let before = root.snapshot()
            let status = try root.dockstore(["status"])
            #expect(status.status == 4, "\(status.stdout) \(status.stderr)")
            #expect(status.stdout.hasSuffix("state:       1 problem(s); 'dockstore teardown --wipe-device' finishes it:\n  - a dockstore teardown was interrupted: \(root.path)/etc/dockstore.disabled is there, nothing is mounted at \(root.mountpoint) and fstab's line for it still names UUID=\(uuid), which no device this machine can read holds (a teardown --wipe-device killed after its wipe, or the volume was detached since); run the same dockstore teardown --wipe-device again to finish it (it removes that line)\n"), "\(status.stdout)")
            #expect(!status.stdout.contains("aws") && !status.stdout.contains("provision"), "\(status.stdout)")
            let check = try root.dockstore(["check"])
            #expect(check.status == 3 && !check.stdout.contains("aws"), "\(check.stdout)")
            // Attack 55 A F: provision said "attach the volume", which was attached and wiped on purpose.
            let provision = try root.dockstore(["provision"])
            #expect(provision.status == 2 && provision.stderrLines.count == 1 && provision.stderr.contains("refusing: a dockstore teardown was interrupted: ")
                    && provision.stderr.contains("run the same dockstore teardown --wipe-device again to finish it") && !provision.stderr.contains("attach the volume"),
                    "\(provision.stdout)\(provision.stderr)")
            #expect(root.changes(since: before) == [])
            let again = try root.dockstore(["teardown", "--wipe-device"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            // Taken down: both ways out (attack 33 T 7c).
            #expect(try root.dockstore(["status"]).stdout.contains("a dockstore teardown took the store down (\(root.path)/etc/dockstore.disabled is there): 'dockstore teardown' finishes taking it down, 'dockstore provision' sets it up again:"))
        }
        reliability("attack 11 messages: status after a killed teardown --wipe-device", cases: 1, runs: 1)
    }

    /// a reclaim killed right after its run journal, before it lent any room. teardown
    /// still refuses (the journal is open) but no longer says room was lent; once a run has
    /// lent the temporary member, it does; reclaim finishes both.
    @Test func teardownTellsWhetherAnInterruptedReclaimLentRoom() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            let journal = root.reclaimJournal
            let begun = try root.dockstore(["reclaim"], environment: [Failpoint.variable: "reclaim-begin"])
            try #require(begun.signal == SIGKILL, "\(begun.stdout) \(begun.stderr)")
            #expect(root.status(journal) != nil && root.status(root.roomFile) == nil)
            let before = root.snapshot()
            let notLent = try root.dockstore(["teardown"])
            #expect(notLent.status == 2, "\(notLent.stdout) \(notLent.stderr)")
            #expect(notLent.stderr == "dockstore: a dockstore reclaim run was interrupted before it lent the store any room (its journal \(journal) is there; no temporary member, room file or grown image); run dockstore reclaim to finish it (it closes the journal), then tear down\n", "\(notLent.stderr)")
            #expect(root.changes(since: before) == [])

            let lending = try root.dockstore(["reclaim"], environment: [Failpoint.variable: "room-add"])
            try #require(lending.signal == SIGKILL, "\(lending.stdout) \(lending.stderr)")
            #expect(root.status(root.roomFile) != nil)
            let lent = try root.dockstore(["teardown"])
            #expect(lent.status == 2, "\(lent.stdout) \(lent.stderr)")
            #expect(lent.stderr == "dockstore: a dockstore reclaim run lent the store temporary room and has not given it back (\(journal)); run dockstore reclaim to finish it, then tear down\n", "\(lent.stderr)")

            let finish = try root.dockstore(["reclaim"])
            #expect(finish.status == 0, "\(finish.stdout) \(finish.stderr)")
            #expect(root.status(journal) == nil && root.status(root.roomFile) == nil)
            #expect(try root.dockstore(["teardown"]).status == 0)
        }
        reliability("attack 11 messages: teardown after an interrupted reclaim", cases: 2, runs: 2)
    }

    /// Outside attack 14, X3: grow and migrate-ebs said room was lent after a reclaim killed
    /// before it lent any; they now read the room itself, as teardown does.
    @Test func growAndMigrateTellWhetherAnInterruptedReclaimLentRoom() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            let journal = root.reclaimJournal
            let begun = try root.dockstore(["reclaim"], environment: [Failpoint.variable: "reclaim-begin"])
            try #require(begun.signal == SIGKILL, "\(begun.stdout) \(begun.stderr)")
            let disk = try root.attachDisk(megabytes: 4096)
            let before = root.snapshot()
            for (command, then) in [(["grow", "--to", "2G"], "grow"), (["migrate-ebs", disk, "--yes"], "migrate-ebs")] {
                let refused = try root.dockstore(command)
                #expect(refused.status == 2, "\(command): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderr.contains("a dockstore reclaim run was interrupted before it lent the store any room") && refused.stderr.contains("then \(then)\n"), "\(command): \(refused.stderr)")
                #expect(!refused.stderr.contains("lent the store temporary room"), "\(refused.stderr)")
            }
            #expect(root.changes(since: before) == [])
            #expect(root.status(journal) != nil)
            #expect(try root.dockstore(["reclaim"]).status == 0)
        }
    }

    /// The shell text of the word that starts at `start` in `text`, as the shell would take it:
    /// quoted parts and backslash escapes kept, ending at an unquoted space or `)`.
    static func shellWordText(_ text: Substring) -> String {
        var out = ""
        var rest = text[...]
        while let c = rest.first {
            if c == " " || c == ")" { break }
            rest = rest.dropFirst()
            out.append(c)
            if c == "'" {
                guard let end = rest.firstIndex(of: "'") else { break }
                out += rest[..<end] + "'"
                rest = rest[rest.index(after: end)...]
            } else if c == "\\", let next = rest.first {
                out.append(next)
                rest = rest.dropFirst()
            }
        }
        return out
    }

    /// bash's words for `command`.
    func bashWords(_ root: TestRoot, _ command: String) throws -> [String] {
        let run = try root.run("/bin/bash", ["-c", "printf '%s\\0' \(command)"])
        #expect(run.status == 0, "\(command): \(run.stderr)")
        return run.stdout.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// B06: a mountpoint with `"`, `\`, `|`, `$` and `'` (provision accepts it): the read-only
    /// remedy status and check print (`mount -o remount,rw PATH`), pasted into bash, is that
    /// command on exactly that path, one word.
    @Test func aRemedysPathPastesIntoBashAsOneWord() throws {
        try withTestRoot { root in
            let mountpoint = "/var/lib/do\"ck\\er|x$y'z"
            // $DOCKER_OPTS (expanded unquoted) cannot carry it as --data-root (attack 12, B21):
            // the admin names it as dockerd's data root in daemon.json, as provision's refusal says.
            let json = mountpoint.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            try FileManager.default.createDirectory(atPath: root.path + "/etc/docker", withIntermediateDirectories: true)
            try root.write(root.path + "/etc/docker/daemon.json", "{\"data-root\": \"\(json)\"}\n")
            let up = try root.dockstore(["provision", "--size", "1G", "--mountpoint", mountpoint])
            try #require(up.status == 0, "\(up.stdout) \(up.stderr)")
            let real = root.path + mountpoint
            let remount = try root.run("/bin/mount", ["-o", "remount,ro", real])
            try #require(remount.status == 0, "\(remount.stderr)")
            let expected = ["mount", "-o", "remount,rw", real]
            let marker = "mount -o remount,rw "

            let status = try root.dockstore(["status", "--mountpoint", mountpoint])
            let inStatus = try #require(status.stdout.range(of: marker), "\(status.stdout)")
            let statusWord = Self.shellWordText(status.stdout[inStatus.upperBound...])
            #expect(statusWord.hasPrefix("'"), "\(statusWord)")
            #expect(try bashWords(root, marker + statusWord) == expected, "\(statusWord)")

            let check = try root.dockstore(["check", "--mountpoint", mountpoint, "--format", "json"])
            let object = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8))
            func strings(_ value: Any) -> [String] {
                if let text = value as? String { return [text] }
                if let array = value as? [Any] { return array.flatMap(strings) }
                if let dictionary = value as? [String: Any] { return dictionary.values.flatMap(strings) }
                return []
            }
            let message = try #require(strings(object).first { $0.contains(marker) }, "\(check.stdout)")
            let checkWord = Self.shellWordText(message[try #require(message.range(of: marker)).upperBound...])
            #expect(try bashWords(root, marker + checkWord) == expected, "\(checkWord)")
            _ = try root.run("/bin/mount", ["-o", "remount,rw", real])
        }
        reliability("attack 11 messages: a remedy's path as one shell word", cases: 2, runs: 2)
    }
}
