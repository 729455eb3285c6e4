import SystemPackage
// Only the function: the module's name is also the name of dockstore's own `Subprocess`,
// which would hide it inside that type.
import func Subprocess.run
import enum Subprocess.TerminationStatus

/// One run of `executable` through swift-subprocess: stdin from /dev/null, `LC_ALL=C` so
/// its messages can be matched, both streams collected up to `limit` bytes, the exit
/// status as a shell reports it (128 + the signal for a killed tool).
///
/// `BLKID_FILE=/dev/null`: libblkid in the tools keeps no cache file (attack 31 Q A3:
/// mkfs.btrfs -U, checking the UUID is unique, rewrote the host's /run/blkid/blkid.tab, a
/// write outside `--root`). The check still runs: libblkid then probes every device afresh.
func collect(_ executable: String, _ arguments: [String], limit: Int) async -> Result<Subprocess.Result, DockStoreError> {
    do {
        let run = try await run(
            .path(FilePath(executable)),
            arguments: .init(arguments),
            environment: .inherit.updating(["LC_ALL": "C", "LANG": nil, "BLKID_FILE": "/dev/null"]),
            output: .bytes(limit: limit),
            error: .bytes(limit: limit)
        )
        let status: Int32 = switch run.terminationStatus {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
        return .success(Subprocess.Result(status: status, standardOutput: String(decoding: run.standardOutput, as: UTF8.self),
                                          standardError: String(decoding: run.standardError, as: UTF8.self)))
    } catch {
        return .failure(DockStoreError.failed("cannot run \(executable): \(error)"))
    }
}
