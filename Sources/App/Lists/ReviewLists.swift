import Foundation

/// A contract's risk review meetings (风险评审会) on the shared list mechanism.
enum ReviewLists {
    static func spec(_ t: Strings, contractID: UUID) -> ListSpec {
        ListSpec(
            path: ResourceSitePaths.reviews.path(contractID),
            columns: [.sortable(t["res_held_at"], "held_at", .field("held_at")), .plain(t["res_departments"]),
                      .sortable(t["res_attendees"], "attendees", .field("attendees")), .plain(t["res_risks"]), .plain(t["res_decisions"])],
            defaultSort: "-held_at",
            searchPlaceholder: t["list_reviews_search"],
            emptyText: t["list_empty_reviews"], emptyActionLabel: t["res_review_add"], emptyActionURL: "#review-add")
    }
}
