import ArgumentParser
import DockStoreCore

/// Parses the command line, runs the command and maps a `DockStoreError` to its
/// documented exit status with a one-line message. An argument error is one line too
/// (the parser's first line and where to read more), status 64; `--help` and `--version`
/// print in full.
@main
enum DockstoreMain {
    static func main() {
        // Monitoring runs `check` every minute: skip swift-argument-parser's start-up there.
        let (given, notUTF8) = argv()
        let arguments = CheckShortValues.split(GlobalArguments.joiningNegativeValues(GlobalArguments.hoisted(given)))
        let isCheck = arguments.dropFirst().first == "check"
        /// Every run ends here: output that could not be written is an error (`OutputCloseout`).
        func finish(_ status: Int32) -> Never {
            CurrentProcess.exit(OutputCloseout.status(status, nagios: isCheck))
        }
        if let notUTF8 {
            // check is a Nagios plugin: a bad argument is UNKNOWN (3), on one line.
            if isCheck { finish(NotUTF8Argument.checkUnknown(notUTF8, given: given, arguments: arguments)) }
            Output.error(notUTF8.message(given))
            finish(ExitStatus.usage.rawValue)
        }
        DeviceResolver.waitingNotice = { Output.error($0) }
        if let missing = MissingCommand.refusal(Array(arguments.dropFirst())) {
            Output.error(missing)
            finish(ExitStatus.usage.rawValue)
        }
        let repeated = RepeatedOption.refusal(Array(arguments.dropFirst()))
        if isCheck, let repeated { finish(CheckOptions.parserRefusal(repeated, arguments: arguments)) }
        if let options = CheckOptions(fastPath: arguments) {
            finish(CheckRunner.run(options))
        }
        do {
            var command = try Dockstore.parseAsRoot(Array(arguments.dropFirst()))
            if let repeated {
                Output.error(ArgumentErrorLine.text(repeated, arguments: Array(arguments.dropFirst())))
                finish(ExitStatus.usage.rawValue)
            }
            try command.run()
            finish(ExitStatus.success.rawValue)
        } catch let error as DockStoreError {
            Output.error(error.message)
            finish(ExitStatus(error.kind).rawValue)
        } catch let code as ExitCode {
            finish(code.rawValue)
        } catch {
            // check is a Nagios plugin: a bad argument is UNKNOWN (3), on one line.
            // Answered in the format asked for, and into the textfile (B06).
            if isCheck, Dockstore.exitCode(for: error) != .success {
                finish(CheckOptions.parserRefusal(Dockstore.message(for: error), arguments: arguments))
            }
            guard Dockstore.exitCode(for: error) != .success else {
                // --help and --version: printed here, not through stdio, so a failed write is seen.
                let text = Dockstore.fullMessage(for: error)
                if !text.isEmpty { Output.emitRaw(text + "\n") }
                finish(ExitStatus.success.rawValue)
            }
            Output.error(ArgumentErrorLine.text(Dockstore.message(for: error), arguments: Array(arguments.dropFirst())))
            finish(ExitStatus.usage.rawValue)
        }
    }

    /// The arguments, read from argv with a plain loop: `CommandLine.arguments` builds them
    /// through generic code whose first use costs check's start-up a runtime type lookup, and
    /// it replaces bytes that are not UTF-8 with U+FFFD — a path would silently name another
    /// file. The first argument that is not UTF-8 comes back to be refused instead:
    /// dockstore writes paths into fstab and unit files, and systemd ignores a unit whose
    /// paths are not UTF-8.
    static func argv() -> (arguments: [String], notUTF8: NotUTF8Argument?) {
        var arguments: [String] = []
        var refusal: NotUTF8Argument? = nil
        arguments.reserveCapacity(Int(CommandLine.argc))
        for index in 0..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            if let argument = String(validatingCString: pointer) {
                arguments.append(argument)
                continue
            }
            var length = 0
            while pointer[length] != 0 { length += 1 }
            let bytes = UnsafeBufferPointer(start: pointer, count: length).map { UInt8(bitPattern: $0) }
            if refusal == nil {
                refusal = NotUTF8Argument(index: index, bytes: bytes)
            }
            arguments.append(String(decoding: bytes, as: UTF8.self))
        }
        return (arguments, refusal)
    }
}

struct Dockstore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dockstore",
        abstract: "Provision and watch Docker's storage on a btrfs image or an EBS volume.",
        discussion: """
            Exit status: 0 done, 1 an operation failed, 2 refused (nothing changed; a step whose \
            re-check refuses partway leaves the steps printed before it done), \
            3 another dockstore holds the lock, 4 status found problems, 64 bad usage.
            """,
        version: "0.1.0",
        subcommands: [Provision.self, Status.self, Backend.self, Check.self, Grow.self, MigrateEBS.self, Reclaim.self, Teardown.self]
    )
}
