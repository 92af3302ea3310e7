import Foundation

/// Progress on standard error: a bar redrawn in place when standard error is a terminal. Otherwise the demo generator
/// prints a line per 10 % (its log is read by people), while commands whose output scripts read print nothing
/// (`quietOffTerminal`), so `lvyue export`, `lvyue import` and `lvyue report` write exactly what they wrote before.
final class TerminalProgress: @unchecked Sendable {  // used from one task at a time: the command's
    private(set) var total: Int
    private(set) var done = 0
    private var lastDrawn = -1
    private let tty: Bool
    private let quietOffTerminal: Bool
    private let started = Date()

    init(total: Int, quietOffTerminal: Bool = false, terminal: Bool = isatty(2) != 0) {
        self.total = total
        self.quietOffTerminal = quietOffTerminal
        self.tty = terminal
    }

    /// Whether anything would be drawn: commands skip progress reporting altogether off a terminal.
    static var onTerminal: Bool { isatty(2) != 0 }

    func advance(_ n: Int, _ phase: String) {
        done += n
        draw(phase)
    }

    /// Absolute numbers, as a job reports them (the total may grow as work becomes known).
    func set(done: Int, total: Int, _ phase: String) {
        self.done = done
        self.total = total
        draw(phase)
    }

    private func draw(_ phase: String) {
        guard total > 0 else { return }  // a silent run (tests)
        let percent = min(100, done * 100 / total)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        if tty {
            let width = 30
            let filled = percent * width / 100
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let line = String(format: "\r%@ %3d%%  %-22@ %6.0fs", bar, percent, phase as NSString, Date().timeIntervalSince(started))
            FileHandle.standardError.write(Data(line.utf8))
        } else if !quietOffTerminal && percent % 10 == 0 {
            FileHandle.standardError.write(Data("\(percent)% \(phase)\n".utf8))
        }
    }

    func finish() {
        if tty && lastDrawn >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
