@testable import DockStoreCore
import CMount
import Foundation
import Testing

/// One escaping function per reader, each checked by property tests against the reader
/// itself: random paths (random bytes within what each format can carry) are written as
/// dockstore writes them and read back by the real program; it must read the same path.
/// - fstab fields (`FstabEscape`): libmount (`mnt_new_table_from_file`, what mount(8) and
///   systemd read) and `systemd-fstab-generator` (the unit it names for each mountpoint,
///   turned back into a path by `systemd-escape --unescape --path`);
/// - the drop-in's mount unit names (`MountUnitName`): `systemd-escape --path` names them, and
///   `systemd-analyze verify` names the units it tries to load from `Wants=`/`After=`/`PartOf=`;
///   its `AssertPathIsMountPoint=` path: `systemd-analyze condition` prints the path it read;
///   the older drop-in's `RequiresMountsFor=` (`UnitFileEscape`) read back as dockstore reads it;
/// - sysconfig values (`SysconfigFile.doubleQuoted`): bash (`BashOracle`).
/// Rounds run for DOCKSTORE_FUZZ_SECONDS (scripts/reliability) and print their counts.
@Suite(.serialized) struct EscapeOracleTests {
    static let generator = "/lib/systemd/system-generators/systemd-fstab-generator"
    static let hasSystemd = FileManager.default.isExecutableFile(atPath: generator)
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-escape")

    /// Characters that make escaping hard, and plain ones. `spaces` adds blanks (fstab
    /// carries them; HostPath refuses them for what dockstore writes itself).
    static func randomPath(_ rng: inout SplitMix, spaces: Bool) -> String {
        var pieces = ["%", "\\", "\"", "'", "#", ",", "=", "$", "`", "é", "€", "☃", "😀", "\u{FFFD}", ";", "*", "?", "[",
                      "-", "_", ".x", "a", "b", "Z", "0", "9", "~", "&", "!", "\\040", "%%", "\\\\", "%n", "@", ":", "+"]
        if spaces { pieces += [" ", "\t"] }
        var path = ""
        for _ in 0..<(1 + Int(rng.next() % 4)) {
            var component = ""
            for _ in 0..<(1 + Int(rng.next() % 6)) {
                if rng.next() % 4 == 0, let scalar = randomScalar(&rng, spaces: spaces) {
                    component.unicodeScalars.append(scalar)
                } else {
                    component += pieces[Int(rng.next() % UInt64(pieces.count))]
                }
            }
            if component == "." || component == ".." { component = "a" }
            path += "/" + component
        }
        return path
    }

    /// Any Unicode scalar a path may hold: no slash, no control character, no whitespace
    /// unless `spaces`, no surrogate (which UTF-8 cannot carry).
    static func randomScalar(_ rng: inout SplitMix, spaces: Bool) -> Unicode.Scalar? {
        let ranges: [ClosedRange<UInt32>] = [0x21...0x7E, 0xA0...0x7FF, 0x800...0xFFFD, 0x10000...0x10FFFF]
        let range = ranges[Int(rng.next() % UInt64(ranges.count))]
        guard let scalar = Unicode.Scalar(range.lowerBound + UInt32(rng.next() % UInt64(range.count))) else { return nil }
        if scalar == "/" || scalar.properties.generalCategory == .control { return nil }
        if !spaces, scalar.properties.isWhitespace { return nil }
        return scalar
    }

    static func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "dockstore-escape-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        return folder
    }

    static func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Sources and targets as libmount reads them from `file`, byte for byte.
    static func libmountRead(_ file: String) throws -> [(source: [UInt8], target: [UInt8], options: String)] {
        guard let table = mnt_new_table_from_file(file) else { throw DockStoreError.failed("libmount cannot read \(file)") }
        defer { mnt_unref_table(table) }
        guard let iterator = mnt_new_iter(Int32(MNT_ITER_FORWARD)) else { throw DockStoreError.failed("no iterator") }
        defer { mnt_free_iter(iterator) }
        func bytes(_ p: UnsafePointer<CChar>?) -> [UInt8] {
            guard let p else { return [] }
            return Array(UnsafeBufferPointer(start: p, count: strlen(p))).map { UInt8(bitPattern: $0) }
        }
        var result: [(source: [UInt8], target: [UInt8], options: String)] = []
        var fs: OpaquePointer? = nil
        while mnt_table_next_fs(table, iterator, &fs) == 0, let fs {
            result.append((bytes(mnt_fs_get_source(fs)), bytes(mnt_fs_get_target(fs)),
                           String(decoding: bytes(mnt_fs_get_options(fs)), as: UTF8.self)))
        }
        return result
    }

    @Test func fstabFieldsReadBackByLibmount() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var paths = 0
        let rounds = try ParserPropertyTests.rounds(seed: 0xE5C) { rng, round in
            var file = FstabFile(bytes: Array("# caf\u{e9}\n".utf8) + [0x23, 0x20, 0xE9, 0x0A])
            var written: [(String, String)] = []
            for _ in 0..<20 {
                let source = Self.randomPath(&rng, spaces: true), target = Self.randomPath(&rng, spaces: true)
                file.append(FstabEntry(source: source, target: target, fstype: "btrfs", options: ["nofail", "x-a=\"q,r\""]))
                written.append((source, target))
            }
            let path = folder + "/fstab"
            try Data(file.bytes).write(to: URL(fileURLWithPath: path))
            let read = try Self.libmountRead(path)
            #expect(read.count == written.count, "round \(round): libmount reads every line")
            for ((source, target), entry) in zip(written, read) {
                paths += 2
                #expect(entry.source == Array(source.utf8), "round \(round): source \(source.debugDescription)")
                #expect(entry.target == Array(target.utf8), "round \(round): target \(target.debugDescription)")
                #expect(MountOptionList.split(entry.options) == ["nofail", "x-a=\"q,r\""], "round \(round): \(entry.options)")
            }
            // And dockstore reads its own file back as libmount does.
            let again = FstabFile(bytes: file.bytes)
            #expect(again.lines.compactMap(\.entry).map(\.target) == written.map(\.1), "round \(round)")

            // The escape itself works on bytes: any byte but NUL, UTF-8 or not, comes back.
            var raw: [UInt8] = []
            var fields: [([UInt8], [UInt8])] = []
            for _ in 0..<20 {
                let source = (0..<(1 + Int(rng.next() % 12))).map { _ in UInt8(1 + rng.next() % 255) }
                let target = [UInt8(ascii: "/")] + (0..<Int(rng.next() % 12)).map { _ in UInt8(1 + rng.next() % 255) }
                raw += FstabEscape.field(source, leadsLine: true) + [0x20] + FstabEscape.field(target) + Array(" btrfs nofail 0 0\n".utf8)
                fields.append((source, target))
            }
            try Data(raw).write(to: URL(fileURLWithPath: path))
            let rawRead = try Self.libmountRead(path)
            #expect(rawRead.count == fields.count, "round \(round): libmount reads every raw line")
            for ((source, target), entry) in zip(fields, rawRead) {
                paths += 2
                #expect(entry.source == source && entry.target == target, "round \(round): \(source) \(target)")
            }
        }
        print("property: fstab-libmount: \(rounds) rounds, \(paths) generated paths")
    }

    @Test(.enabled(if: hasSystemd, "needs systemd-fstab-generator and systemd-escape"))
    func fstabTargetsReadBackBySystemdFstabGenerator() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var paths = 0
        let rounds = try ParserPropertyTests.rounds(seed: 0x6E4) { rng, round in
            let out = folder + "/out-\(round)"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
            defer { try? FileManager.default.removeItem(atPath: out) }
            var file = FstabFile(bytes: [])
            var targets = Set<String>()
            for index in 0..<20 {
                // HostPath's alphabet: what dockstore writes as a mountpoint.
                let target = Self.randomPath(&rng, spaces: false) + "/m\(index)"
                guard (try? HostPath(target, what: "t")) != nil else { continue }
                targets.insert(target)
                file.append(FstabEntry(source: "/dev/disk/by-uuid/\(index)", target: target, fstype: "btrfs", options: ["nofail"]))
            }
            try Data(file.bytes).write(to: URL(fileURLWithPath: folder + "/fstab"))
            let generated = try Self.run(Self.generator, [out, out, out], environment: ["SYSTEMD_FSTAB": folder + "/fstab", "SYSTEMD_LOG_LEVEL": "err"])
            #expect(generated.status == 0, "round \(round): \(generated.err)")
            let units = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".mount") }
            // One name a line: a path may hold a space, never a newline.
            var read = Set<String>()
            for unit in units {
                let unescaped = try Self.run("/usr/bin/systemd-escape", ["--unescape", "--path", String(unit.dropLast(6))])
                read.insert(String(unescaped.out.dropLast()))
            }
            paths += targets.count
            #expect(read == targets, "round \(round): the generator made units for \(read.subtracting(targets).sorted()) instead of \(targets.subtracting(read).sorted())")
        }
        print("property: fstab-generator: \(rounds) rounds, \(paths) generated paths")
    }

    @Test(.enabled(if: hasSystemd, "needs systemd-analyze and systemd-escape"))
    func dropInPathsReadBackBySystemdAnalyze() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/docker.service.d", withIntermediateDirectories: false)
        try "[Service]\nExecStart=/bin/true\n".write(toFile: folder + "/docker.service", atomically: false, encoding: .utf8)
        var paths = 0
        let rounds = try ParserPropertyTests.rounds(seed: 0xD20) { rng, round in
            var mountpoints: [HostPath] = []
            for index in 0..<20 {
                // A mountpoint whose unit name systemd cannot form is refused (`ProvisionRequest`).
                if let path = try? HostPath(Self.randomPath(&rng, spaces: false) + "/d\(index)", what: "p"), MountUnitName.fits(path) {
                    mountpoints.append(path)
                }
            }
            // The drop-in as dockstore renders it, one per path, joined into one file.
            let text = mountpoints.map { DockerDropIn.render(mountpoint: $0, unit: MountUnitName.of($0)) }.joined()
            try text.write(toFile: folder + "/docker.service.d/dockstore.conf", atomically: false, encoding: .utf8)
            let verify = try Self.run("/usr/bin/systemd-analyze", ["verify", "docker.service"],
                                      environment: ["SYSTEMD_LOG_LEVEL": "debug", "SYSTEMD_UNIT_PATH": folder + ":"])
            let required = Set((verify.out + verify.err).split(separator: "\n").compactMap { line -> String? in
                guard let colon = line.range(of: ".mount: Failed to load configuration") else { return nil }
                return String(line[..<colon.lowerBound]) + ".mount"
            })
            let expected = try Self.run("/usr/bin/systemd-escape", ["--path", "--suffix=mount"] + mountpoints.map(\.string))
            for (path, name) in zip(mountpoints, expected.out.split(whereSeparator: { $0 == " " || $0 == "\n" })) {
                paths += 1
                #expect(MountUnitName.of(path) == String(name), "round \(round): dockstore names the mount unit of \(path.string.debugDescription) \(MountUnitName.of(path)), systemd-escape \(name)")
                #expect(required.contains(String(name)), "round \(round): systemd does not read the mount unit of \(path.string.debugDescription) from the drop-in's Wants=/After=/PartOf=")
                // What teardown reads back as the store Docker's configuration serves is what systemd reads.
                #expect(DockerDropIn.mountpoint(in: Array(DockerDropIn.render(mountpoint: path, unit: MountUnitName.of(path)).utf8)) == path.string,
                        "round \(round): dockstore reads another path than it wrote into AssertPathIsMountPoint=")
                // The drop-in dockstore wrote before the assertion, still read as dockstore's.
                let legacy = DockerDropIn.legacyHeader + UnitFileEscape.pathWord(path.string) + "\n"
                #expect(DockerDropIn.mountpoint(in: Array(legacy.utf8)) == path.string,
                        "round \(round): dockstore reads another path than systemd from RequiresMountsFor=\(UnitFileEscape.pathWord(path.string))")
            }
            // The assertion's path as systemd reads it: systemd-analyze condition prints it.
            for path in mountpoints {
                let line = DockerDropIn.render(mountpoint: path, unit: MountUnitName.of(path)).split(separator: "\n").last.map(String.init) ?? ""
                let said = try Self.pathsSystemdReads(line, setting: "AssertPathIsMountPoint=")
                #expect(said == [path.string], "round \(round): systemd reads \(said) from \(line.debugDescription), dockstore wrote \(path.string.debugDescription)")
            }
            #expect(!(verify.out + verify.err).contains("dockstore.conf:"), "round \(round): systemd warns about the drop-in: \(verify.err.split(separator: "\n").filter { $0.contains("dockstore.conf") })")
        }
        print("property: drop-in-systemd: \(rounds) rounds, \(paths) generated paths")
    }

    /// The paths `systemd-analyze condition LINE` says it checked for `setting` (it prints
    /// "SETTING=PATH succeeded." or "… failed.").
    static func pathsSystemdReads(_ line: String, setting: String) throws -> [String] {
        let condition = try run("/usr/bin/systemd-analyze", ["condition", line])
        return (condition.out + condition.err).split(separator: "\n").compactMap { text -> String? in
            guard let start = text.range(of: setting), let end = text.range(of: " failed.", options: .backwards)
                    ?? text.range(of: " succeeded.", options: .backwards) else { return nil }
            return String(text[start.upperBound..<end.lowerBound])
        }
    }

    /// The mount unit drop-in's condition (attack 18, B-F2) as systemd reads it: for generated
    /// image paths (`%` among their bytes), `systemd-analyze condition` names the path dockstore
    /// wrote, and dockstore takes the file back as its own.
    @Test(.enabled(if: hasSystemd, "needs systemd-analyze"))
    func mountDropInConditionReadBackBySystemdAnalyze() throws {
        var checked = 0
        let rounds = try ParserPropertyTests.rounds(seed: 0xB2F2) { rng, round in
            for index in 0..<10 {
                guard let image = try? HostPath(Self.randomPath(&rng, spaces: false) + "/i\(index).btrfs", what: "p") else { continue }
                let text = MountDropIn.render(image: image)
                #expect(MountDropIn.ownership(of: Array(text.utf8)) == .dockstore, "round \(round): \(image.string.debugDescription)")
                let line = text.split(separator: "\n").last.map(String.init) ?? ""
                let said = try Self.pathsSystemdReads(line, setting: "ConditionPathExists=")
                #expect(said == [image.string], "round \(round): systemd reads \(said) from \(line.debugDescription), dockstore wrote \(image.string.debugDescription)")
                checked += 1
            }
        }
        print("property: mount-drop-in-systemd: \(rounds) rounds, \(checked) generated image paths")
    }

    @Test func sysconfigValuesReadBackByBash() throws {
        var values = 0
        let rounds = try ParserPropertyTests.rounds(seed: 0xBA5) { rng, round in
            // Words as DOCKER_OPTS carries them: the random paths, no blanks inside a word.
            let words = (0..<(1 + Int(rng.next() % 3))).map { _ in "--x=" + Self.randomPath(&rng, spaces: false) }
            var file = try SysconfigFile(path: "f", bytes: Array("# caf".utf8) + [0xE9] + Array("\nDOCKER_OPTS=\"\"\n".utf8))
            do { try file.set("DOCKER_OPTS", to: words.joined(separator: " ")) } catch {
                Issue.record("round \(round): \(words.map { $0.unicodeScalars.map { String($0.value, radix: 16) } }): \(error)")
                return
            }
            #expect(Array(file.bytes.prefix(6)) == Array("# caf".utf8) + [0xE9], "round \(round): the Latin-1 comment is kept")
            values += 1
            let text = String(decoding: file.bytes.dropFirst(7), as: UTF8.self)
            #expect(try BashOracle.words(sourcing: text) == words, "round \(round): \(text.debugDescription)")
        }
        print("property: sysconfig-bash: \(rounds) rounds, \(values) generated values")
    }
}
