@testable import DockStoreCore
import Foundation
import Testing

/// Property test for the give-back of /etc/sysconfig/docker (third outside attack on issue 15):
/// random files — an admin's DOCKER_OPTS in every quoting style or none, comments with bytes
/// that are not UTF-8, blank lines with trailing blanks, no final newline — go through
/// provision's edit and teardown's edit and come back byte for byte; in between, bash and
/// systemd's EnvironmentFile= (the generator) read DOCKER_OPTS as the admin's words followed
/// by dockstore's flag. Runs for `ParserPropertyTests.budget` (scripts/reliability gives more).
@Suite struct SysconfigRoundTripPropertyTests {
    static let otherLines: [[UInt8]] = [
        Array("# my settings".utf8), Array("# caf".utf8) + [0xE9], Array("".utf8), Array("   ".utf8), Array("\t".utf8),
        Array("A=1".utf8), Array("B='x y'".utf8), Array("C=\"q\"  ".utf8), Array("## Default        : \"\"".utf8),
        Array("#".utf8), Array("D=caf\u{e9}".utf8),
    ]
    /// The admin's words, storage flags among them in each spelling (fifth outside attack on
    /// issue 15: provision replaced `-s overlay2`, teardown then dropped it and the admin's
    /// `--storage-opt=btrfs.…` provision had kept).
    static let adminWords = ["--debug", "--log-level=warn", "--tls", "--label a=b", "--insecure-registry 10.0.0.5:5000",
                             "-s overlay2", "--storage-driver=devicemapper", "-svfs", "--storage-opt=btrfs.min_space=1G",
                             "--storage-opt dm.basesize=20G"]

    /// A random file and the words its DOCKER_OPTS holds (nil: it has no DOCKER_OPTS line).
    static func file(_ rng: inout SplitMix) -> (bytes: [UInt8], words: [String]?) {
        var lines: [[UInt8]] = []
        for _ in 0..<Int(rng.next() % 6) { lines.append(otherLines[Int(rng.next() % UInt64(otherLines.count))]) }
        var words: [String]? = nil
        if rng.next() % 4 != 0 {
            let chosen = (0..<Int(rng.next() % 4)).map { _ in adminWords[Int(rng.next() % UInt64(adminWords.count))] }
            let gap = rng.next() % 3 == 0 ? "  " : " "
            let value = chosen.joined(separator: gap)
            let styles = chosen.count <= 1 && !value.contains(" ") ? ["", "'", "\""] : ["'", "\""]
            let quote = styles[Int(rng.next() % UInt64(styles.count))]
            let trailing = rng.next() % 4 == 0 ? "  " : ""
            let line = Array("DOCKER_OPTS=\(quote)\(value)\(quote)\(trailing)".utf8)
            lines.insert(line, at: Int(rng.next() % UInt64(lines.count + 1)))
            words = chosen
        }
        var bytes = lines.enumerated().flatMap { index, line in (index > 0 ? [UInt8(ascii: "\n")] : []) + line }
        if !lines.isEmpty, rng.next() % 3 != 0 { bytes.append(UInt8(ascii: "\n")) }
        return (bytes, words)
    }

    static func provisioned(_ bytes: [UInt8]) throws -> [UInt8] {
        let selection = try StorageSelection.plan(driver: "btrfs", options: nil, sysconfigBytes: bytes,
                                                  sysconfigPath: "/etc/sysconfig/docker", daemonJSONBytes: nil,
                                                  daemonJSONPath: "/etc/docker/daemon.json")
        return try #require(selection.sysconfig).bytes
    }

    /// The file after teardown's plan, from its bytes (nil: teardown removes it).
    static func tornDown(_ bytes: [UInt8]) throws -> [UInt8]? {
        var o = TeardownObservation.fixture(fstab: "")
        o.sysconfig = bytes
        var after: [UInt8]? = bytes
        for step in try TeardownPlanner.plan(o, TeardownRequest(), SysconfigGiveBackTests.host) {
            if case .writeSysconfig(let new, _, _) = step { after = new }
            if case .removeSysconfig = step { after = nil }
        }
        return after
    }

    @Test func randomSysconfigFilesComeBackByteForByte() throws {
        var rng = SplitMix(seed: 0x15_3A)
        let end = Date().addingTimeInterval(ParserPropertyTests.budget)
        var rounds = 0, read = 0
        while Date() < end {
            let (original, words) = Self.file(&rng)
            let provisioned = try Self.provisioned(original)
            let after = try Self.tornDown(provisioned)
            #expect(after == original, "round \(rounds): \(ShownBytes.text(original)) → \(ShownBytes.text(provisioned)) → \(after.map(ShownBytes.text) ?? "removed")")
            if SysconfigReadersTests.hasGenerator, rounds % 8 == 0 {
                let (bash, systemd) = try SysconfigReadersTests.readings(provisioned)
                // The admin's words with their storage flags replaced by btrfs's, the admin's
                // btrfs options kept (provision's `options: nil`).
                let admin = DockerOptions((words ?? []).joined(separator: " "))
                let wanted = try admin.replacingStorage(driver: "btrfs", options: admin.storage().options.filter { $0.hasPrefix("btrfs.") }).words
                let split = { (value: String?) in value.map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init) } }
                #expect(split(bash?["DOCKER_OPTS"]) == wanted, "round \(rounds): bash reads \(ShownBytes.text(provisioned))")
                #expect(split(systemd["DOCKER_OPTS"]) == wanted, "round \(rounds): systemd reads \(ShownBytes.text(provisioned))")
                read += 1
            }
            rounds += 1
        }
        #expect(rounds > 0)
        print("property: sysconfig-provision-teardown: \(rounds) generated files, \(read) read by bash and systemd")
    }
}
