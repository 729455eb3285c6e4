@testable import dockstore
import DockStoreCore
import Foundation
import Testing

/// Attack 31 Q D2: an option that takes one value, given twice, was taken with its last value
/// silently (`provision --root A --root B` made the store under B). It is refused, exit 64
/// (check: UNKNOWN, 3), one line naming both values, nothing changed; repeatable options are not.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct RepeatedOptionTests {
    /// The table the refusal counts is every single-valued option the parser knows, no more.
    @Test func theTableIsEveryOptionThatTakesOneValue() throws {
        try withTestRoot { root in
            let dump = try root.run(TestRoot.binary, ["--experimental-dump-help"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
            var single: Set<String> = []
            var repeating: Set<String> = []
            func walk(_ command: [String: Any]) {
                for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["kind"] as? String == "option" {
                    let names = (argument["names"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "long" }.compactMap { $0["name"] as? String }
                    if argument["isRepeating"] as? Bool == true { repeating.formUnion(names) } else { single.formUnion(names) }
                }
                (command["subcommands"] as? [[String: Any]] ?? []).forEach(walk)
            }
            walk(try #require(json["command"] as? [String: Any]))
            #expect(single == RepeatedOption.singleValued, "missing: \(single.subtracting(RepeatedOption.singleValued)), extra: \(RepeatedOption.singleValued.subtracting(single))")
            #expect(repeating == ["storage-opt"])
        }
    }

    @Test func anOptionGivenTwiceIsRefusedNothingChanged() throws {
        try withTestRoot { root in
            let other = root.path + "/other"
            _ = try root.sh("mkdir -p '\(other)/etc' '\(other)/var/lib'")
            let one = try root.attachDisk(megabytes: 300)
            let two = try root.attachDisk(megabytes: 300)
            let edges = try [root.ends(one), root.ends(two)]
            let before = root.snapshot()
            let cases: [([String], String)] = [
                (["--root", other, "provision", "--root", root.path], "--root is given twice ('\(other)', then '\(root.path)')"),
                (["provision", "--root", root.path, "--size", "1G", "--size=2G"], "--size is given twice ('1G', then '2G')"),
                (["provision", "--root", root.path, "--device", one, "--device", two], "--device is given twice ('\(one)', then '\(two)')"),
                (["grow", "--root", root.path, "--to=1G", "--to", "2G"], "--to is given twice ('1G', then '2G')"),
                (["teardown", "--root", root.path, "--mountpoint", "/a", "--mountpoint", "/var/lib/docker"], "--mountpoint is given twice ('/a', then '/var/lib/docker')"),
                (["migrate-ebs", one, "--root", root.path, "--wait", "1", "--wait", "2", "--yes"], "--wait is given twice ('1', then '2')"),
                (["status", "--root", root.path, "--image", "/a", "--image", "/b"], "--image is given twice ('/a', then '/b')"),
                (["status", "--root", root.path, "--image", "help", "--image", "/b"], "--image is given twice ('help', then '/b')"),
            ]
            for (arguments, said) in cases {
                let run = try root.run(TestRoot.binary, arguments)
                #expect(run.status == 64 && run.stderrLines.count == 1 && run.stderr.hasPrefix("dockstore: \(said): give it once; see dockstore "),
                        "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
            }
            let check = try root.run(TestRoot.binary, ["check", "--root", root.path, "-w", "99%:", "-w1%:"])
            #expect(check.status == 3 && check.stdout.hasPrefix("DOCKSTORE UNKNOWN - --warning is given twice ('99%:', then '1%:'): give it once"), "\(check.stdout)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            #expect(try [root.ends(one), root.ends(two)] == edges, "no device was written")
            #expect(!FileManager.default.fileExists(atPath: other + "/etc/fstab"))
            // A repeatable option is not refused, and `--` ends the options.
            let opts = try root.run(TestRoot.binary, ["backend", "btrfs", "--root", root.path, "--storage-opt", "btrfs.min_space=1G", "--storage-opt", "btrfs.min_space=2G", "--dry-run"])
            #expect(!opts.stderr.contains("--storage-opt is given twice ('"), "\(opts.stderr)")
        }
    }
}

/// The words the refusal reads, without running anything: help and the version asked for are the
/// parser's to answer; `help` is a request only as the command, and as a value it is a path.
@Suite struct RepeatedOptionWordsTests {
    @Test(arguments: [
        (["provision", "--image", "/a", "--image", "/b"], "--image is given twice ('/a', then '/b')"),
        (["provision", "--image", "help", "--image", "/b"], "--image is given twice ('help', then '/b')"),
        (["status", "--mountpoint=help", "--mountpoint", "/x"], "--mountpoint is given twice ('help', then '/x')"),
        (["check", "-w", "1%:", "--warning=2%:"], "--warning is given twice ('1%:', then '2%:')"),
        (["help", "provision", "--image", "/a", "--image", "/b"], nil),
        (["provision", "--image", "/a", "--image", "/b", "--help"], nil),
        (["provision", "-h", "--image", "/a", "--image", "/b"], nil),
        (["--version", "--root", "/a", "--root", "/b"], nil),
        (["provision", "--image", "/a", "--", "--image", "/b"], nil),
        (["backend", "btrfs", "--storage-opt", "a=1", "--storage-opt", "a=2"], nil),
        (["provision", "--size", "--size", "1G"], nil),
    ] as [([String], String?)])
    func refusal(_ words: [String], _ said: String?) {
        #expect(RepeatedOption.refusal(words) == said.map { "\($0): give it once" }, "\(words)")
    }
}
