import Fluent
import Foundation

enum QualityKind: String, Codable, CaseIterable, Sendable {
    case inspection, acceptance
}

enum QualityOutcome: String, Codable, CaseIterable, Sendable {
    case pass, fail
}

/// An inspection or acceptance result on a milestone (issue #4). A failure is a quality non-conformance:
/// it fires `quality_failed` risks until a later passing result on the same milestone.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class QualityResult: Model, @unchecked Sendable {
    static let schema = "quality_results"

    @ID(key: .id) var id: UUID?
    @Parent(key: "milestone_id") var milestone: Milestone
    /// Denormalised from the milestone so per-contract reads need no join.
    @Field(key: "contract_id") var contractID: UUID
    @Field(key: "kind") var kind: QualityKind
    @Field(key: "result") var result: QualityOutcome
    @Field(key: "inspector") var inspector: String
    @OptionalField(key: "notes") var notes: String?
    @Field(key: "inspected_at") var inspectedAt: Date
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}
