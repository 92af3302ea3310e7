import Foundation
import LvyueCore

/// The contract form: every field of `ContractInput` except status (changed with the status buttons).
enum ContractForm {
    static let spec: [(String, FormBody.Kind)] = [
        ("number", .string), ("title", .string), ("customer_id", .uuid), ("category", .string), ("amount", .string),
        ("currency", .string), ("signed_on", .string), ("starts_on", .string), ("ends_on", .string), ("owner_id", .uuid),
        ("department_id", .uuid), ("update_cadence_days", .int), ("description", .string),
    ]
    static var known: Set<String> { Set(spec.map(\.0)) }
    static let currencies = ["CNY", "USD", "EUR", "HKD", "JPY"]

    static func defaults(_ t: Strings, owner: UUID?) -> FormState {
        FormState(t, values: ["category": ContractCategory.manufacturing.rawValue, "currency": "CNY", "update_cadence_days": "7",
                              "owner_id": owner?.formValue ?? ""])
    }

    static func values(_ c: Contract, _ t: Strings) -> FormState {
        FormState(t, values: [
            "number": c.number, "title": c.title, "customer_id": c.$customer.id.formValue, "category": c.category.rawValue,
            "amount": Money(minorUnits: c.amountMinor).description, "currency": c.currency, "signed_on": c.signedOn ?? "",
            "starts_on": c.startsOn ?? "", "ends_on": c.endsOn ?? "", "owner_id": c.$owner.id?.formValue ?? "",
            "department_id": c.$department.id?.formValue ?? "", "update_cadence_days": String(c.updateCadenceDays),
            "description": c.summary ?? "",
        ])
    }

    static func fields(_ s: FormState, _ lookups: Lookups) -> [FieldView] {
        let t = s.t
        var currencies = currencies
        if let current = s.values["currency"], !current.isEmpty, !currencies.contains(current) { currencies.append(current) }
        return [
            s.field("number", "field_number", required: true, max: 60),
            s.field("title", "field_title", required: true, wide: true, max: 300),
            s.select("customer_id", "field_customer_id", lookups.customerOptions, required: true),
            s.enumSelect("category", "field_category", prefix: "contract_category", ContractCategory.self, required: true),
            s.field("amount", "field_amount", required: true, hint: "hint_amount", inputMode: "decimal"),
            s.select("currency", "field_currency", currencies.map { ($0, $0) }, blank: false, required: true),
            s.field("signed_on", "field_signed_on", kind: "date"),
            s.field("starts_on", "field_starts_on", kind: "date"),
            s.field("ends_on", "field_ends_on", kind: "date"),
            s.select("owner_id", "field_owner_id", lookups.userOptions),
            s.select("department_id", "field_department_id", lookups.departmentOptions),
            s.select("update_cadence_days", "field_update_cadence_days", [("7", t["cadence_7"]), ("14", t["cadence_14"])], blank: false, required: true),
            s.field("description", "field_description", kind: "textarea", max: 4000),
        ]
    }
}
