import ArgumentParser
import DockStoreCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Parses the command line, runs the command and maps a `DockStoreError` to its
/// documented exit status with a one-line message; argument errors keep
/// swift-argument-parser's usage output and status 64.
@main
enum DockstoreMain {
    static func main() {
        // Monitoring runs `check` every minute: skip swift-argument-parser's start-up there.
        let arguments = GlobalArguments.hoisted(argv())
        if let options = CheckOptions(fastPath: arguments) {
            exit(CheckRunner.run(options))
        }
        do {
            var command = try Dockstore.parseAsRoot(Array(arguments.dropFirst()))
            try command.run()
        } catch let error as DockStoreError {
            Output.error(error.message)
            exit(ExitStatus(error.kind).rawValue)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            // check is a Nagios plugin: a bad argument is UNKNOWN (3), on one line.
            if arguments.dropFirst().first == "check", Dockstore.exitCode(for: error) != .success {
                let text = Dockstore.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad arguments"
                Output.line("DOCKSTORE UNKNOWN - \(text)")
                exit(3)
            }
            Dockstore.exit(withError: error)
        }
    }

    /// The arguments, read from argv with a plain loop: `CommandLine.arguments` builds them
    /// through generic code whose first use costs check's start-up a runtime type lookup.
    static func argv() -> [String] {
        var arguments: [String] = []
        arguments.reserveCapacity(Int(CommandLine.argc))
        for index in 0..<Int(CommandLine.argc) {
            if let argument = CommandLine.unsafeArgv[index] { arguments.append(String(cString: argument)) }
        }
        return arguments
    }
}

struct Dockstore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dockstore",
        abstract: "Provision and watch Docker's storage on a btrfs image or an EBS volume.",
        discussion: """
            Exit status: 0 done, 1 an operation failed, 2 refused (nothing changed), \
            3 another dockstore holds the lock, 4 status found problems, 64 bad usage.
            """,
        version: "0.1.0",
        subcommands: [Provision.self, Status.self, Backend.self, Check.self, Grow.self, Reclaim.self, MigrateEBS.self, Teardown.self]
    )
}
