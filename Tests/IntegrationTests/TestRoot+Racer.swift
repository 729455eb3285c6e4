import Foundation

extension TestRoot {
    /// Runs `body` while a shell runs `loop` (`while :; do …; done` racing the commands under
    /// test), then stops the shell and runs `cleanUp` (undoing what its last round left).
    func racing(_ loop: String, cleanUp: String, _ body: () throws -> Void) throws {
        let racer = Process()
        racer.executableURL = URL(fileURLWithPath: "/bin/sh")
        racer.arguments = ["-c", loop]
        try racer.run()
        defer {
            racer.terminate()
            racer.waitUntilExit()
            _ = try? sh(cleanUp)
        }
        try body()
    }
}
