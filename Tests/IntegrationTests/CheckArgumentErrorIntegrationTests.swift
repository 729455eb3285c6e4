import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Outside attack 12, B06: an unknown option, a typo, an option without its value or an extra
/// argument was answered with the Nagios line whatever --format said, and the textfile kept
/// the older OK. Now the parser's refusal is answered as a bad value is: UNKNOWN (3) in the
/// requested format, and into the textfile, --format and --textfile read from argv as far as
/// they can be.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct CheckArgumentErrorIntegrationTests {
    static let refusals: [([String], String)] = [
        (["--bogus"], "Unknown option '--bogus'"),
        (["--state-fil", "/x"], "Unknown option '--state-fil'. Did you mean '--state-file'?"),
        (["-x"], "Unknown option '-x'"),
        (["extra-positional"], "Unexpected argument 'extra-positional'"),
        (["--format"], "Missing value for '--format <format>'"),
        (["--textfile"], "Missing value for '--textfile <dir>'"),
    ]

    @Test func aRefusedCommandLineRewritesTheTextfileInTheRequestedFormat() throws {
        try withTestRoot { root in
            // --root first: a trailing option without its value must stay trailing.
            func check(_ arguments: [String]) throws -> RunResult {
                try root.dockstore(["check", "--root", root.path] + arguments, root: false)
            }
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            try root.sh("mkdir -p \(root.path)/tf")
            let textfile = root.path + "/tf/dockstore.prom"
            let label = "mountpoint=\"\(root.mountpoint)\""
            let ok = "dockstore_status{\(label),reason=\"\"} 0\n"
            let unknown = "dockstore_status{\(label),reason=\"store\"} 3\n"
            for (extra, message) in Self.refusals {
                let good = try check(["--format", "prometheus", "--textfile", "/tf"])
                #expect(good.status == 0 && root.read(textfile)?.contains(ok) == true, "\(good.stdout)")
                let bad = try check(["--format", "prometheus", "--textfile", "/tf"] + extra)
                #expect(bad.status == 3, "\(extra): \(bad.stdout)")
                #expect(bad.stdout.contains(unknown), "\(extra): \(bad.stdout)")
                #expect(bad.stderr.isEmpty, "\(extra): \(bad.stderr)")
                #expect(root.read(textfile) == bad.stdout, "\(extra): the textfile says what stdout says")

                let json = try check(["--format", "json"] + extra)
                #expect(json.status == 3, "\(extra): \(json.stdout)")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(extra): \(json.stdout)")
                #expect(object["state"] as? Int == 3 && object["error"] as? String == "\(message); see dockstore check --help", "\(extra): \(json.stdout)")
                #expect(object["mountpoint"] as? String == root.mountpoint)

                let nagios = try check(extra)
                #expect(nagios.status == 3 && nagios.stdout == "DOCKSTORE UNKNOWN - \(message); see dockstore check --help\n", "\(extra): \(nagios.stdout)")
            }
            // Options after the bad one are read too; a value the parser refuses keeps the default format.
            _ = try check(["--textfile", "/tf"])
            let after = try check(["--bogus", "--format=json", "--textfile=/tf"])
            #expect(after.status == 3 && after.stdout.hasPrefix("{"), "\(after.stdout)")
            #expect(root.read(textfile)?.contains(unknown) == true)
            _ = try check(["--textfile", "/tf"])
            let xml = try check(["--format", "xml", "--textfile", "/tf"])
            #expect(xml.status == 3 && xml.stdout.hasPrefix("DOCKSTORE UNKNOWN - The value 'xml' is invalid for '--format <format>'"), "\(xml.stdout)")
            #expect(root.read(textfile)?.contains(unknown) == true)
            // A --root that is no folder: where the textfile goes cannot be told; none is written.
            let noRoot = try root.run(TestRoot.binary, ["check", "--root", root.path + "/absent", "--textfile", "/tf", "--bogus"])
            #expect(noRoot.status == 3 && noRoot.stdout.hasPrefix("DOCKSTORE UNKNOWN - Unknown option '--bogus'"), "\(noRoot.stdout)")
        }
    }
}
