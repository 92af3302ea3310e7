import Foundation
import Vapor

/// Follow-up work the API does after a write, done the same way after a web write — kept in one place so the two
/// front doors cannot drift apart.
enum WebHooks {
    /// Issue #4: a changed contract, milestone, payment node or progress report re-evaluates the contract's risk triggers.
    static func contractChanged(_ req: Request, _ contractID: UUID) async {
        await MonitoringHooks.contractChanged(req.application, contractID)
    }
}
