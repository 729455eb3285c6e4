#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The end of every run, as coreutils' close_stdout and util-linux's closeout.h end theirs:
/// output that could not be written (standard output on a full disk, a closed descriptor) is
/// an error, said on one line on standard error, so that a cron job or a monitoring system
/// does not read an empty file as success. A closed pipe (EPIPE: `dockstore status | head -1`)
/// is not one, as util-linux's close_stdout lets EPIPE pass: the reader took what it wanted.
public enum OutputCloseout {
    /// The line said when standard output failed with `code`.
    public static func message(_ code: Int32) -> String {
        "dockstore: cannot write the output: \(Errno.text(code))"
    }

    /// The exit status to end with instead of `status`, once what stdio still holds is flushed
    /// (swift-argument-parser prints --help through it); says the failure on standard error.
    /// A command that would have exited 0 exits 1 (`ExitStatus.failed`: a system call failed);
    /// a non-zero status is kept, it already tells that something is wrong. `check` (`nagios`)
    /// ends UNKNOWN (3), or the more severe of the two in monitoring-plugins' `max_state_alt`
    /// order (OK < UNKNOWN < WARNING < CRITICAL).
    public static func status(_ status: Int32, nagios: Bool) -> Int32 {
        if fflush(nil) != 0 { StandardStream.recordOutputFailure(errno) }
        guard let code = StandardStream.outputFailure, code != EPIPE else { return status }
        StandardStream.error.write(message(code) + "\n")
        if nagios { return status == 1 || status == 2 ? status : 3 }
        return status == 0 ? ExitStatus.failed.rawValue : status
    }
}
