@testable import DockStoreCore

/// A planner's answer in the terms of the planner tables: step ids, or the refusal's message.
/// An error that is not a refusal counts as a wrong answer whatever the cell expects.
struct PlannerAnswer<Step> {
    let got: Expected
    let steps: [Step]
    let message: String?

    init(id: (Step) -> String, _ plan: () throws -> [Step]) {
        do {
            let steps = try plan()
            (got, self.steps, message) = (.steps(steps.map(id)), steps, nil)
        } catch let error as DockStoreError where error.kind == .refused {
            (got, steps, message) = (.refusal([error.message]), [], error.message)
        } catch {
            (got, steps, message) = (.refusal(["\(error)"]), [], "not a refusal: \(error)")
        }
    }

    /// The same step ids, or a refusal naming one of the expected fragments.
    func matches(_ expected: Expected) -> Bool {
        switch (got, expected) {
        case (.steps(let a), .steps(let b)): return a == b
        case (.refusal, .refusal(let fragments)):
            guard let message, !message.hasPrefix("not a refusal") else { return false }
            return fragments.contains { message.contains($0) }
        default: return false
        }
    }

    /// What a failed expectation prints: the refusal's message, or the steps.
    var shown: String { message ?? "\(got)" }
}
