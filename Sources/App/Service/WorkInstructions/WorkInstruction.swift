import Fluent
import Foundation

/// One step of a work instruction's checklist.
struct InstructionItem: Codable, Sendable, Hashable {
    var text: String
    var mandatory: Bool
}

enum ToolCategory: String, Codable, CaseIterable, Sendable {
    case testEquipment = "test_equipment"
    case sparePart = "spare_part"
    case recordForm = "record_form"
    case other
}

/// One entry of the service toolkit (后期服务工具包).
struct ToolkitItem: Codable, Sendable, Hashable {
    var name: String
    var category: ToolCategory
    var quantity: Int?
}

/// A revision of the work instruction (后期服务作业指导书) for one request type. A new revision becomes current;
/// requests keep the checklist of the revision current when they were received.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class WorkInstruction: Model, @unchecked Sendable {
    static let schema = "work_instructions"

    @ID(key: .id) var id: UUID?
    @Field(key: "request_type") var requestType: RequestType
    @Field(key: "revision") var revision: Int
    @Field(key: "title") var title: String
    @Field(key: "items") var itemsJSON: String
    @Field(key: "toolkit") var toolkitJSON: String
    @Field(key: "current") var current: Bool
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "version") var version: Int

    init() {}

    var items: [InstructionItem] {
        get { Self.items(json: itemsJSON) }
        set { itemsJSON = JSONText.encode(newValue) }
    }
    var toolkit: [ToolkitItem] {
        get { Self.toolkit(json: toolkitJSON) }
        set { toolkitJSON = JSONText.encode(newValue) }
    }

    static func items(json: String) -> [InstructionItem] { decodedItems.value(json) }
    static func toolkit(json: String) -> [ToolkitItem] { decodedToolkits.value(json) }

    /// Every new request copies its type's current instruction: the few stored texts are decoded once each.
    private static let decodedItems = DecodedTexts<[InstructionItem]>(fallback: [])
    private static let decodedToolkits = DecodedTexts<[ToolkitItem]>(fallback: [])
}

/// A request's copy of a checklist item, ticked by the engineer with a note.
final class ChecklistItem: Model, @unchecked Sendable {
    static let schema = "service_checklist_items"

    @ID(key: .id) var id: UUID?
    @Field(key: "request_id") var requestID: UUID
    @OptionalField(key: "instruction_id") var instructionID: UUID?
    @Field(key: "position") var position: Int
    @Field(key: "text") var text: String
    @Field(key: "mandatory") var mandatory: Bool
    @Field(key: "done") var done: Bool
    @OptionalField(key: "done_at") var doneAt: Date?
    @OptionalField(key: "done_by") var doneBy: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "version") var version: Int

    init() {}
}

extension ChecklistItem: ListedFields {
    static let listedProperties: [@Sendable (ChecklistItem) -> any AnyDatabaseProperty] = [
        { $0.$id }, { $0.$requestID }, { $0.$instructionID }, { $0.$position }, { $0.$text }, { $0.$mandatory },
        { $0.$done }, { $0.$doneAt }, { $0.$doneBy }, { $0.$note }, { $0.$version }
    ]
}
