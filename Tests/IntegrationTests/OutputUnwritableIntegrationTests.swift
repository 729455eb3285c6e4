import DockStoreCore
import Foundation
import Testing

/// Output that cannot be written is an error, as coreutils' close_stdout makes it (attack 9
/// defect 8): with standard output on /dev/full, `status --json` exited 0 with nothing on
/// stderr, and a cron job read the empty file as success. Now every command that prints says
/// "dockstore: cannot write the output: No space left on device" on one line and exits 1 (check:
/// UNKNOWN 3); the same runs with standard output on a file still exit 0.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct OutputUnwritableIntegrationTests {
    static let line = "dockstore: cannot write the output: No space left on device"

    /// Runs the binary with standard output on `output` (a file path) and standard error in a file.
    static func run(_ root: TestRoot, _ arguments: [String], output: String) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestRoot.binary)
        process.arguments = arguments
        let errPath = "\(root.path)/.err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { unlink(errPath) }
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, signal: nil, stdout: "",
                         stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    @Test func everyCommandThatPrintsFailsOnAFullDisk() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let cases: [([String], Int32)] = [
                (["status"], 1), (["status", "--json"], 1),
                (["check"], 3), (["check", "--format", "json"], 3), (["check", "--format", "prometheus"], 3),
                (["backend"], 1), (["provision", "--dry-run"], 1),
            ]
            let sink = root.path + "/.sink"
            for (arguments, expected) in cases {
                let all = arguments + ["--root", root.path]
                _ = FileManager.default.createFile(atPath: sink, contents: nil)
                let written = try Self.run(root, all, output: sink)
                #expect(written.status == 0, "\(arguments) to a file: \(written.stderr)")
                #expect(written.stderr.isEmpty, "\(arguments) to a file: \(written.stderr)")
                #expect((try? FileManager.default.attributesOfItem(atPath: sink)[.size] as? Int) ?? 0 > 0, "\(arguments) printed")
                let full = try Self.run(root, all, output: "/dev/full")
                #expect(full.status == expected, "\(arguments) >/dev/full: \(full.stderr)")
                #expect(full.stderr == Self.line + "\n", "\(arguments) >/dev/full: \(full.stderr)")
            }
            unlink(sink)
            let version = try Self.run(root, ["--version"], output: "/dev/full")
            #expect(version.status == 1 && version.stderr == Self.line + "\n", "--version: \(version.status) \(version.stderr)")
            let help = try Self.run(root, ["status", "--help"], output: "/dev/full")
            #expect(help.status == 1 && help.stderr == Self.line + "\n", "--help: \(help.status) \(help.stderr)")
        }
    }

    /// A reader that closed the pipe early is no error, as util-linux's close_stdout lets EPIPE
    /// pass: with SIGPIPE ignored (inherited from python3, whose child keeps it with
    /// restore_signals=False), status into a pipe whose read end is closed exits 0, stderr empty.
    @Test func aClosedPipeIsNoError() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let script = """
                import os, subprocess, sys
                r, w = os.pipe(); os.close(r)
                p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE, restore_signals=False)
                sys.stdout.write("%d %s" % (p.returncode, p.stderr.decode()))
                """
            for arguments in [["status"], ["status", "--json"], ["check"]] {
                let run = try root.run("/usr/bin/python3", ["-c", script, TestRoot.binary] + arguments + ["--root", root.path])
                #expect(run.stdout == "0 ", "\(arguments) into a closed pipe: \(run.stdout) \(run.stderr)")
            }
        }
    }

    /// A status that is already non-zero is kept (status found problems: 4), and check keeps a
    /// more severe state than UNKNOWN; a --dry-run provision plan on a fresh tree changes nothing.
    @Test func aNonZeroStatusIsKeptAndADryRunChangesNothing() throws {
        try withTestRoot { root in
            let before = root.snapshot()
            let plan = try Self.run(root, ["provision", "--size", "256M", "--dry-run", "--root", root.path], output: "/dev/full")
            #expect(plan.status == 1 && plan.stderr == Self.line + "\n", "\(plan.status) \(plan.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            let status = try Self.run(root, ["status", "--root", root.path], output: "/dev/full")
            #expect(status.status == 4 && status.stderr == Self.line + "\n", "\(status.status) \(status.stderr)")
            let check = try Self.run(root, ["check", "--root", root.path], output: "/dev/full")
            #expect(check.status == 3 && check.stderr == Self.line + "\n", "\(check.status) \(check.stderr)")
        }
    }

    /// A textfile that cannot be written: the reason names the file and the errno text; with
    /// --format prometheus (only reason="textfile" in its output) it is said on stderr too.
    @Test func anUnwritableTextfileSaysWhatFailed() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let why = "cannot write the textfile \(root.path)/missing/dockstore.prom: cannot open \(root.path)/missing: No such file or directory"
            let nagios = try root.dockstore(["check", "--textfile", "/missing"])
            #expect(nagios.status == 3)
            #expect(nagios.stdout.hasPrefix("DOCKSTORE UNKNOWN - \(why); check ran as uid 0"), "\(nagios.stdout)")
            let prometheus = try root.dockstore(["check", "--format", "prometheus", "--textfile", "/missing"])
            #expect(prometheus.status == 3)
            #expect(prometheus.stdout.contains("reason=\"textfile\"} 3"), "\(prometheus.stdout)")
            #expect(prometheus.stderrLines.count == 1 && prometheus.stderr.hasPrefix("dockstore: \(why); check ran as uid 0"),
                    "\(prometheus.stderr)")
        }
    }
}
