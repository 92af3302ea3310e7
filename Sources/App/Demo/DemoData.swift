import Fluent
import Foundation
import LvyueCore
import Vapor

/// The demo data set of `lvyue serve --demo`: three customers, six contracts across manufacturing, service and
/// construction, with clauses, responsibility tables, milestones (some done, some late with reasons) and payment
/// nodes. Dates are relative to today so the demo always shows a live portfolio. Loaded once: a marker row
/// written in the same transaction makes a second load a no-op.
enum DemoData {
    static let marker = "demo_loaded"
    static let password = "lvyue-demo-2026"

    static func loadOnce(_ app: Application) async throws {
        if try await Setting.find(marker, on: app.db) != nil { return }
        let hash = try await Passwords.hash(password, app: app)
        let now = app.deps.now()
        let newID = app.deps.newID
        let serviceClocks = app.serviceClocks  // issue #6
        let workday = try await app.calendars.calendar("cn-workday", on: app.db)
        let loaded = try await Store.write(app) { db -> Bool in
            // Checked again inside the write lock: two instances starting with --demo load it once.
            if try await Setting.find(marker, on: db) != nil { return false }
            var seeder = Seeder(db: db, now: now, newID: newID)
            try await seeder.run(passwordHash: hash)
            try await DemoMonitoring.seed(db: db, now: now, newID: newID)  // issue #4
            try await DemoService.seed(db: db, now: now, newID: newID, clocks: serviceClocks, workday: workday)  // issue #6
            try await DemoAttachments.seed(app, db: db, now: now, newID: newID)  // a file on a service request
            try await DemoTemplates.seed(db: db, now: now, newID: newID)  // issue #7
            try await DemoResources.seed(db: db, now: now, newID: newID)  // issue #10
            try await DemoAnalytics.seed(db: db, now: now, newID: newID, clocks: serviceClocks)  // issue #7
            try await Setting(key: marker, value: JSONCoding.formatInstant(now)).create(on: db)
            return true
        }
        if loaded {
            app.logger.notice("demo data loaded: 3 customers, 8 contracts; demo users log in with password \(password)")
        }
    }
}

private struct Seeder {
    let db: any Database
    let now: Date
    let newID: @Sendable () -> UUID
    var departments: [String: UUID] = [:]
    var users: [String: UUID] = [:]
    let actor = Actor(id: nil, name: "demo")

    init(db: any Database, now: Date, newID: @escaping @Sendable () -> UUID) {
        self.db = db
        self.now = now
        self.newID = newID
    }

    var today: LocalDate { LocalDate(date: now, in: JSONCoding.displayTimeZone) }
    func day(_ offset: Int) -> String { today.adding(days: offset).description }

    func save<M: AuditedModel>(_ model: M) async throws -> UUID {
        if model.id == nil { model.id = newID() }
        model.version = 1
        try await model.create(on: db)
        try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: M.entityType,
                                  entityID: model.id!.uuidString, after: model.response(ResponseContext(now: now)))
        return model.id!
    }

    mutating func run(passwordHash: String) async throws {
        for d in try await Department.query(on: db).all() { departments[d.code] = d.id }
        for (code, name) in Bootstrap.defaultDepartments where departments[code] == nil {
            departments[code] = try await save(Department(code: code, name: name))
        }
        let people: [(String, String, Role, String)] = [
            ("wangfang", "王芳", .legal, "legal"), ("liqiang", "李强", .project, "project"), ("zhaolei", "赵磊", .technical, "technical"),
            ("chenjing", "陈静", .finance, "finance"), ("liuyang", "刘洋", .serviceDesk, "service"), ("sunwei", "孙伟", .engineer, "service"),
            ("zhoumin", "周敏", .manager, "project"),
        ]
        for (username, name, role, dept) in people {
            if let existing = try await User.query(on: db).filter(\.$username == username).first() {
                users[username] = existing.id
                continue
            }
            let u = User()
            u.username = username
            u.displayName = name
            u.role = role
            u.$department.id = departments[dept]
            u.passwordHash = passwordHash
            u.active = true
            users[username] = try await save(u)
        }

        let customers = [
            ("华东精密机械有限公司", "华东精机", "装备制造", "江苏省苏州市工业园区星湖街88号", [("陈建国", "设备部经理", "13912345678", "chen.jg@hdjm.example.cn")]),
            ("南方电网物资有限公司", "南网物资", "能源电力", "广东省广州市天河区珠江新城华夏路30号", [("黄丽", "采购主管", "13823456789", "huangli@nfdw.example.cn")]),
            ("西部城建集团有限公司", "西部城建", "建筑施工", "四川省成都市高新区天府大道北段1700号", [("杨涛", "项目总监", "13634567890", "yangtao@xbcj.example.cn")]),
        ]
        var customerIDs: [UUID] = []
        for (name, short, industry, address, contacts) in customers {
            let c = Customer()
            c.name = name
            c.shortName = short
            c.industry = industry
            c.address = address
            let id = try await save(c)
            customerIDs.append(id)
            for (cname, title, phone, email) in contacts {
                let contact = CustomerContact()
                contact.$customer.id = id
                contact.name = cname
                contact.title = title
                contact.phone = phone
                contact.email = email
                _ = try await save(contact)
            }
        }

        for spec in DemoContracts.all {
            try await seed(spec, customer: customerIDs[spec.customer])
        }
    }

    func seed(_ spec: DemoContracts.Spec, customer: UUID) async throws {
        let c = Contract()
        c.number = spec.number
        c.title = spec.title
        c.$customer.id = customer
        c.category = spec.category
        c.amountMinor = try Money(parsing: spec.amount).minorUnits
        c.currency = "CNY"
        c.signedOn = day(spec.startOffset - 10)
        c.startsOn = day(spec.startOffset)
        c.endsOn = day(spec.startOffset + spec.durationDays)
        c.status = spec.status
        c.$owner.id = users["liqiang"]
        c.$department.id = departments["project"]
        c.updateCadenceDays = spec.cadence
        c.summary = spec.summary
        let contractID = try await save(c)

        var clauseIDs: [ClauseCategory: UUID] = [:]
        for (ref, category, text, dueOffset) in spec.clauses {
            let clause = Clause()
            clause.$contract.id = contractID
            clause.reference = ref
            clause.category = category
            clause.text = text
            clause.dueOn = dueOffset.map { day(spec.startOffset + $0) }
            clauseIDs[category] = try await save(clause)
        }
        for (category, dept, owner, duty, dueOffset, status, collaborators) in spec.responsibilities {
            let r = Responsibility()
            r.$contract.id = contractID
            r.$clause.id = clauseIDs[category]
            r.$department.id = departments[dept]!
            r.$owner.id = users[owner]
            r.duty = duty
            r.dueOn = dueOffset.map { day(spec.startOffset + $0) }
            r.collaborators = collaborators.compactMap { departments[$0] }
            r.status = status
            _ = try await save(r)
        }
        var milestoneIDs: [UUID] = []
        for (index, m) in spec.milestones.enumerated() {
            let milestone = Milestone()
            milestone.$contract.id = contractID
            milestone.sequence = index + 1
            milestone.name = m.name
            milestone.weight = m.weight
            milestone.plannedOn = day(spec.startOffset + m.plannedOffset)
            milestone.actualOn = m.actualOffset.map { day(spec.startOffset + $0) }
            milestone.progress = m.actualOffset != nil ? 100 : m.progress
            milestone.delayCause = m.cause
            milestone.delayReason = m.reason
            milestone.nextStep = m.nextStep
            milestone.$department.id = departments[m.department]
            let id = try await save(milestone)
            milestoneIDs.append(id)
            if m.progress > 0 || m.actualOffset != nil {
                let u = MilestoneUpdate()
                u.id = newID()
                u.$milestone.id = id
                u.progress = milestone.progress
                u.note = m.reason ?? "按计划推进"
                u.actualOn = milestone.actualOn
                u.delayCause = m.cause
                u.delayReason = m.reason
                u.nextStep = m.nextStep
                u.authorID = users["liqiang"]
                u.authorName = "李强"
                u.recordedAt = now.addingTimeInterval(-86400 * 2)
                try await u.create(on: db)
            }
        }
        for p in spec.payments {
            let node = PaymentNode()
            node.$contract.id = contractID
            node.$milestone.id = p.milestone.map { milestoneIDs[$0] }
            node.name = p.name
            node.amountDueMinor = try Money(parsing: p.amount).minorUnits
            node.dueOn = day(spec.startOffset + p.dueOffset)
            node.receivedMinor = p.received ? node.amountDueMinor : 0
            node.receivedOn = p.received ? day(spec.startOffset + p.dueOffset - 1) : nil
            _ = try await save(node)
        }
    }
}
