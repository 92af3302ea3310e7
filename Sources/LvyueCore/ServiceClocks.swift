import Foundation

/// Which standard clocks a service request carries and what starts, stops and pauses each (issue #6), read from
/// the request's event history. Pure: the app evaluates the result with `ClockEngine` on the right calendar.
///
/// - service.confirm: received → confirmed (or rejected).
/// - urgent: urgent.respond (→ first of respond / remote start / on site / resolve), urgent.remote when the
///   fault is remote-solvable (→ remote start; or dispatch / on site / resolve, when remote support no longer
///   applies), urgent.onsite when it is not, or once an engineer is dispatched (→ on site; or resolve, when
///   the fault was fixed without a visit).
/// - normal: normal.respond (as urgent.respond) and normal.solve (→ resolve). A reopen restarts normal.solve from
///   the reopening; the earlier cycle's result stays in the history.
/// - periodic: service.confirm only (the inspection carries inspection.confirm).
/// - service.follow_up: customer sign-off (or closing without sign-off) → follow-up call.
/// A rejected request keeps only service.confirm. `pause`/`resume` (waiting on the customer) pause every clock
/// whose definition has pause states.
public enum ServiceClocks {
    public struct HistoryEvent: Sendable, Hashable {
        public var kind: String
        public var at: Date
        public init(_ kind: String, at: Date) {
            self.kind = kind
            self.at = at
        }
    }

    public struct Plan: Sendable, Hashable {
        public var name: String
        public var inputs: [ClockInput]
    }

    public static func clocks(urgency: String, remoteSolvable: Bool, history: [HistoryEvent]) -> [Plan] {
        let events = history.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        guard let received = events.first(where: { $0.kind == "received" })?.at else { return [] }
        let pauses: [ClockInput] = events.compactMap {
            switch $0.kind {
            case "pause": ClockInput(.pause, at: $0.at)
            case "resume": ClockInput(.resume, at: $0.at)
            default: nil
            }
        }
        func first(_ kinds: Set<String>, after start: Date) -> Date? {
            events.first { kinds.contains($0.kind) && $0.at >= start }?.at
        }
        func clock(_ name: String, start: Date, stop: Date?, pausable: Bool = true) -> Plan {
            var inputs = [ClockInput(.start, at: start)]
            if let stop { inputs.append(ClockInput(.stop, at: stop)) }
            if pausable { inputs += pauses }
            return Plan(name: name, inputs: inputs)
        }
        var out: [Plan] = [clock("service.confirm", start: received, stop: first(["confirm", "reject"], after: received))]
        if events.contains(where: { $0.kind == "reject" }) && !events.contains(where: { $0.kind == "confirm" }) { return out }

        let responded: Set<String> = ["respond", "remote_start", "arrive", "resolve"]
        switch urgency {
        case "urgent":
            out.append(clock("urgent.respond", start: received, stop: first(responded, after: received)))
            let dispatched = events.contains { $0.kind == "dispatch" || $0.kind == "arrive" }
            if remoteSolvable {
                // Remote support no longer applies once an engineer is sent (or turns up) or the fault is resolved.
                out.append(clock("urgent.remote", start: received, stop: first(["remote_start"], after: received)
                                 ?? first(["dispatch", "arrive", "resolve"], after: received)))
            }
            if !remoteSolvable || dispatched {
                // A fault resolved (remotely) before anyone arrived needs no visit: the clock stops there, met when
                // in time; a breach already passed stays a breach.
                out.append(clock("urgent.onsite", start: received, stop: first(["arrive", "resolve"], after: received)))
            }
        case "normal":
            out.append(clock("normal.respond", start: received, stop: first(responded, after: received)))
            let solveStart = events.last { $0.kind == "reopen" }?.at ?? received
            out.append(clock("normal.solve", start: solveStart, stop: first(["resolve"], after: solveStart)))
        default:
            break
        }
        let reopen = events.last { $0.kind == "reopen" }?.at ?? received
        if let completed = first(["sign_off", "close"], after: reopen) {
            out.append(clock("service.follow_up", start: completed, stop: first(["follow_up"], after: completed), pausable: false))
        }
        return out
    }
}
