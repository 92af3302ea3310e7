/// Text that the system writes about itself (alert reasons, notification bodies, history notes), kept as a locale key
/// and its parameters so every reader sees it in their own language. Parameter values are plain strings; the locale
/// string decides how each is shown (`{planned:date}`, `{amount:money}`, `{status:t:svc_status}` — see `Strings.render`).
public struct Message: Hashable, Sendable, Codable {
    public var key: String
    public var params: [String: String]

    public init(_ key: String, _ params: [String: String] = [:]) {
        self.key = key
        self.params = params
    }
}
