import DockStoreCore

extension NotUTF8Argument {
    /// check's options whose values are Nagios ranges or a format, not paths.
    static let checkRangeOptions: Set<String> = [
        "-w", "--warning", "-c", "--critical", "--metadata-warning", "--metadata-critical",
        "--unallocated-warning", "--unallocated-critical", "--host-warning", "--host-critical",
    ]

    /// A non-UTF-8 argument to check (a Nagios plugin): UNKNOWN, printed in the format asked
    /// for and written to the textfile as every run's result is (dockstore-check(8)), with a
    /// reason that fits the argument (a range is no path). Where the bad argument is --root or
    /// --textfile, where the textfile goes cannot be told, and none is written.
    static func checkUnknown(_ bad: NotUTF8Argument, given: [String], arguments: [String]) -> Int32 {
        let name = bad.name(given)
        let message: String
        if checkRangeOptions.contains(name) {
            message = "\(name) '\(bad.shownValue)' is not a Nagios range (it is not UTF-8): give a range such as 20%: or 10G:"
        } else if name == "--format" {
            message = "--format '\(bad.shownValue)' is not nagios, json or prometheus (it is not UTF-8)"
        } else {
            message = bad.message(given)
        }
        var options = CheckOptions(fastPath: arguments) ?? CheckOptions()
        if name == "--mountpoint" { options.mountpoint = bad.shownValue }
        var host: Host? = nil
        if name != "--root" && name != "--textfile" {
            do { host = try Host(root: options.root) } catch { host = nil }
        }
        return CheckRunner.unknown(DockStoreError.usage(message), options, host: host, timestamp: WallClock.now())
    }
}
