import Testing

/// The bash and zsh completions ArgumentParser generates (what `scripts/install` installs)
/// offer every option of `dockstore reclaim`.
@Suite(.enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReclaimCompletionTests {
    static let options = ["--budget", "--io-budget", "--json", "--orphans", "--dry-run", "--mountpoint", "--image"]

    @Test(arguments: ["bash", "zsh"])
    func completionOffersReclaimsOptions(_ shell: String) throws {
        try withTestRoot { root in
            let script = try root.dockstore(["--generate-completion-script", shell], root: false)
            #expect(script.status == 0, "\(script.stderr)")
            // The reclaim function: from its definition to the next function's.
            let body = script.stdout.components(separatedBy: "_dockstore_reclaim()").dropFirst().first?
                .components(separatedBy: "\n}\n").first ?? ""
            #expect(!body.isEmpty, "\(shell): no completion function for reclaim")
            for option in Self.options {
                #expect(body.contains(option), "\(shell): reclaim's completion lacks \(option)")
            }
        }
    }
}
