import Foundation

/// One-tap status steps for the engineer on a phone (issue #8): the next steps of a request's process that need no
/// other field, offered as buttons above the full step form (which stays for steps with a solution, a signer or a note).
enum QuickSteps {
    static func next(_ status: RequestStatus) -> [RequestEventType] {
        switch status {
        case .received: [.confirm]
        case .confirmed: [.respond]
        case .responded: [.remoteStart, .dispatch]
        case .remoteSupport: [.dispatch]
        case .dispatched: [.arrive]
        default: []
        }
    }

    static func options(_ status: RequestStatus, _ t: Strings) -> [OptionView] {
        next(status).map { OptionView(value: $0.rawValue, label: t["svc_event." + $0.rawValue], selected: false) }
    }
}
