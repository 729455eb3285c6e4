import Foundation

/// Runs a real reader used as an oracle (bash, systemd's generators) in `folder`, with only
/// the environment given, and returns its exit status and standard output.
enum OracleProcess {
    static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                    in folder: String) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}
