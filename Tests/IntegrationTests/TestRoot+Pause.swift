import DockStoreCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension TestRoot {
    /// Runs dockstore stopped at the pause point of `step` (`DOCKSTORE_PAUSE=step:stop`, before
    /// its re-check), calls `meanwhile` while it is stopped, lets it go on and returns its exit
    /// status and stderr.
    func runStopped(_ arguments: [String], before step: String, environment: [String: String] = [:],
                    meanwhile: () throws -> Void) throws -> RunResult {
        let run = Process()
        run.executableURL = URL(fileURLWithPath: TestRoot.binary)
        run.arguments = arguments + ["--root", path]
        run.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            .merging([Failpoint.pauseVariable: step + ":stop"]) { $1 }
        let stdout = Pipe(), stderr = Pipe()
        run.standardOutput = stdout
        run.standardError = stderr
        try run.run()
        var stopped = false
        for _ in 0..<2400 where run.isRunning && !stopped {
            let stat = (try? String(contentsOfFile: "/proc/\(run.processIdentifier)/stat", encoding: .utf8)) ?? ""
            stopped = stat.split(separator: ")").last?.split(separator: " ").first == "T"
            if !stopped { usleep(50_000) }
        }
        defer { if run.isRunning { kill(run.processIdentifier, SIGCONT); run.waitUntilExit() } }
        guard stopped else {
            kill(run.processIdentifier, SIGCONT)
            run.waitUntilExit()
            throw TestFailure("dockstore did not stop before \(step): \(String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        }
        try meanwhile()
        kill(run.processIdentifier, SIGCONT)
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        run.waitUntilExit()
        return RunResult(status: run.terminationStatus, signal: nil, stdout: String(decoding: out, as: UTF8.self),
                         stderr: String(decoding: err, as: UTF8.self))
    }

    /// blkid's TYPE and UUID of a device or file ("" for none).
    func blkid(_ device: String) throws -> String {
        try sh("blkid -p -o value -s TYPE -s UUID '\(device)' || true").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
