import Foundation
import Testing

/// The alert rules dockstore ships, through promtool: valid, and every alert's unit test
/// (firing and not firing) passes.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool"), "needs promtool (scripts/test installs prometheus)"))
struct PrometheusRulesIntegrationTests {
    static var folder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/prometheus").path
    }

    func promtool(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Self.folder)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func rulesAreValidAndTheirUnitTestsPass() throws {
        let (checkStatus, checkOutput) = try promtool(["check", "rules", "dockstore.rules.yml"])
        #expect(checkStatus == 0, "\(checkOutput)")
        #expect(checkOutput.contains("SUCCESS: 16 rules found"), "\(checkOutput)")
        let files = ["dockstore.rules.test.yml", "dockstore.rules.days.test.yml"]
        let (testStatus, testOutput) = try promtool(["test", "rules"] + files)
        #expect(testStatus == 0, "\(testOutput)")
        #expect(testOutput.components(separatedBy: "SUCCESS").count == files.count + 1, "each file's tests pass: \(testOutput)")
        let rules = try String(contentsOfFile: Self.folder + "/dockstore.rules.yml", encoding: .utf8)
        let tests = try files.map { try String(contentsOfFile: Self.folder + "/" + $0, encoding: .utf8) }.joined(separator: "\n")
        for line in rules.split(separator: "\n") where line.contains("- alert: ") {
            let name = line.split(separator: " ").last.map(String.init) ?? ""
            #expect(tests.contains("alertname: \(name)"), "\(name) has a unit test")
        }
    }
}
