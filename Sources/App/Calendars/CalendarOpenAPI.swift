import Foundation

/// The calendars capability's part of the OpenAPI document.
enum CalendarSchemas {
    static var all: [String: Any] { [:] }
}

enum CalendarPaths {
    static var all: [String: [String: [String: Any]]] { [:] }
}
