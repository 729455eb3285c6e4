@testable import DockStoreCore
import Foundation
import Testing

/// Property tests ("fuzzing" by generated input) for the parsers that read files a user can
/// edit: /etc/sysconfig/docker, /etc/fstab and /etc/sysconfig/dockstore. Each runs for a
/// time budget — DOCKSTORE_FUZZ_SECONDS, 1 s each by default, scripts/reliability gives
/// more — on inputs built from the fragments that make these formats hard (quotes,
/// backslashes, expansions, CRLF, NUL, tabs, non-ASCII), and checks properties, not
/// examples: the parser never traps; an unchanged file renders back byte for byte; an
/// edit reads back as written and keeps every other line; what bash sources from the
/// edited file is what was set.
struct ParserPropertyTests {
    static var budget: Double {
        ProcessInfo.processInfo.environment["DOCKSTORE_FUZZ_SECONDS"].flatMap(Double.init) ?? 1
    }

    static let fragments = [
        "DOCKER_OPTS=", "DOCKER_NETWORK_OPTIONS=", "export ", "IMAGE=", "SIZE=", "\"", "'", "\\", "$(", ")", "`", "${X}",
        "$HOME", "#", " ", "\t", "\n", "\r\n", "=", ";", "&&", "--storage-driver=btrfs", "-s", "overlay2", "--storage-opt",
        "dm.basesize=10G", "é", "\u{0}", "\u{7f}", "/var/lib/docker", "UUID=", "btrfs", "defaults,nofail", "0", "1",
        "/var/lib/docker-storage.btrfs", "loop", "x-systemd.requires-mounts-for=/var/lib", "\\040", "100G", "yes", "no",
    ]

    /// Runs `body` with a fresh generator per round until the budget is spent; returns the rounds.
    static func rounds(seed: UInt64, _ body: (inout SplitMix, Int) throws -> Void) rethrows -> Int {
        var rng = SplitMix(seed: seed)
        let end = Date().addingTimeInterval(budget)
        var round = 0
        while Date() < end {
            try body(&rng, round)
            round += 1
        }
        return round
    }

    static func text(_ rng: inout SplitMix, pieces: Int = 24) -> String {
        var text = ""
        for _ in 0..<(1 + Int(rng.next() % UInt64(pieces))) {
            if rng.next() % 10 == 0 {
                text.unicodeScalars.append(Unicode.Scalar(UInt8(rng.next() % 128)))
            } else {
                text += fragments[Int(rng.next() % UInt64(fragments.count))]
            }
        }
        return text
    }

    @Test func sysconfigParserNeverTrapsAndRoundTrips() throws {
        var parsed = 0, bashChecks = 0
        let rounds = try Self.rounds(seed: 0xD0C) { rng, round in
            let original = Self.text(&rng)
            let file: SysconfigFile
            do { file = try SysconfigFile(path: "f", text: original) } catch is DockStoreError { return }
            parsed += 1
            #expect(file.text == original, "round \(round): an unchanged file renders back as it was")
            var edited = file
            let words = (0..<Int(rng.next() % 4)).map { "--x\($0)=\(rng.next() % 1000)" }
            do { try edited.set("DOCKER_OPTS", to: words.joined(separator: " ")) } catch is DockStoreError { return }
            let reread = try SysconfigFile(path: "f", text: edited.text)
            #expect(reread.value("DOCKER_OPTS") == words.joined(separator: " "), "round \(round): \(edited.text.debugDescription)")
            for other in file.assignments where other.name != "DOCKER_OPTS" {
                #expect(reread.value(other.name) == file.value(other.name), "round \(round): \(other.name) kept")
            }
            // bash is slow to start: every 25th parsed file is also sourced — when bash can
            // source the original (a line that is not an assignment is a command to bash) and
            // it runs nothing (no command substitution).
            if parsed % 25 == 0, !original.contains("\u{0}"), !original.contains("$("), !original.contains("`"),
               (try? BashOracle.words(sourcing: original)) != nil {
                bashChecks += 1
                do {
                    #expect(try BashOracle.words(sourcing: edited.text) == words, "round \(round): \(edited.text.debugDescription)")
                } catch {
                    Issue.record("round \(round): bash cannot source what the parser accepted (\(error)): \(edited.text.debugDescription)")
                }
            }
        }
        print("property: sysconfig: \(rounds) generated files, \(parsed) parsed, \(bashChecks) sourced with bash")
    }

    @Test func fstabParserNeverTrapsAndKeepsOtherLines() throws {
        var edits = 0
        let target = HostPath.known("/var/lib/docker")
        let rounds = try Self.rounds(seed: 0xF57AB) { rng, round in
            let original = Self.text(&rng, pieces: 40)
            var fstab = FstabFile(text: original)
            #expect(fstab.text == original, "round \(round): unchanged fstab renders back as it was")
            let edit: FstabFile.StoreLineEdit
            do {
                edit = try fstab.storeLineEdit(source: "/var/lib/docker-storage.btrfs", target: target, fstype: "btrfs",
                                               requiredOptions: ["nofail", "loop"], path: "fstab")
            } catch is DockStoreError { return }
            edits += 1
            let before = fstab.lines.map(\.raw)
            switch edit {
            case .inPlace: break
            case .append(let entry): fstab.append(entry)
            case .adopt(let index, _, let new): fstab.replace(lineAt: index, with: new)
            }
            let after = FstabFile(text: fstab.text)
            #expect(after.entries(mountingAt: target).count == 1, "round \(round): \(fstab.text.debugDescription)")
            let kept = after.lines.map(\.raw)
            for (index, line) in before.enumerated() where fstab.lines.indices.contains(index) {
                if case .adopt(let adopted, _, _) = edit, adopted == index { continue }
                #expect(kept[index] == line, "round \(round): line \(index + 1) kept byte for byte")
            }
        }
        print("property: fstab: \(rounds) generated files, \(edits) edited")
    }

    @Test func settingsParserNeverTrapsAndThrowsOnlyItsOwnErrors() throws {
        var accepted = 0
        let keys = ProvisionSettings.keys
        let rounds = Self.rounds(seed: 0x5E77) { rng, round in
            var text = ""
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                text += keys[Int(rng.next() % UInt64(keys.count))] + "=" + Self.text(&rng, pieces: 4) + "\n"
            }
            do {
                _ = try ProvisionSettings.parse(text, path: "/etc/sysconfig/dockstore")
                accepted += 1
            } catch let error as DockStoreError {
                #expect(!error.message.contains("\n"), "round \(round): one line: \(error.message)")
            } catch {
                Issue.record("round \(round): unexpected \(error)")
            }
        }
        print("property: settings: \(rounds) generated files, \(accepted) accepted")
    }
}
