import Foundation

/// Issue #5's part of the OpenAPI document: own account, API tokens, contract teams, attachments.
enum SecuritySchemas {
    static var all: [String: Any] {
        [
            "ChangePasswordRequest": S.object(["current_password": S.string, "new_password": ["type": "string", "minLength": 8, "maxLength": 128],
                                               "sign_out_other_sessions": S.bool], required: ["current_password", "new_password"]),
            "ChangePasswordResult": S.response(["ended_sessions": S.int]),
            "TokenInfo": S.response(["id": S.uuid, "user_id": S.uuid, "name": S.string, "created_at": S.time, "expires_at": S.timeN,
                                     "revoked_at": S.timeN, "last_used_at": S.timeN]),
            "TokenList": S.object(["items": S.array(S.ref("TokenInfo"))], required: ["items"]),
            "CreateTokenRequest": S.object(["name": S.string, "expires_in_hours": ["type": "integer", "minimum": 1, "maximum": 8760]],
                                           required: ["name"]),
            "NewToken": S.object(["token": S.string, "info": S.ref("TokenInfo")], required: ["token", "info"]),
            "ContractMember": S.response(["id": S.uuid, "contract_id": S.uuid, "user_id": S.uuidN, "department_id": S.uuidN,
                                          "role_on_contract": S.string, "version": S.int]),
            "ContractMemberPage": S.page(of: "ContractMember"),
            "ContractMemberInput": S.object(["user_id": S.uuidN, "department_id": S.uuidN, "role_on_contract": S.stringN]),
            "Attachment": S.response(["id": S.uuid, "parent_type": S.enumeration(AttachmentParent.self), "parent_id": S.uuid,
                                      "contract_id": S.uuidN, "filename": S.string,
                                      "content_type": ["type": "string", "enum": ["image/png", "image/jpeg", "image/webp", "application/pdf"]],
                                      "size": S.int, "sha256": S.string, "uploaded_by": S.string, "created_at": S.time, "version": S.int]),
            "AttachmentList": S.object(["items": S.array(S.ref("Attachment"))], required: ["items"]),
            "SignInLink": S.response(["url": S.string, "expires_at": S.time]),
        ]
    }
}

enum SecurityPaths {
    static var all: [String: [String: [String: Any]]] {
        var paths: [String: [String: [String: Any]]] = [
            "/me/password": [
                "post": Op.make("identity", "Change your password; other web sessions are signed out unless sign_out_other_sessions is false",
                                body: "ChangePasswordRequest", responses: ["200": "ChangePasswordResult"], errors: [400, 401, 403, 413, 422, 429]),
            ],
            "/users/{id}/sign-in-link": [
                "post": Op.make("identity", "A one-time portal sign-in link for a customer contact (valid 24 h, usable once)",
                                params: [Op.id], responses: ["201": "SignInLink"], errors: [401, 403, 404, 409]),
            ],
            "/tokens": [
                "get": Op.make("identity", "Your API tokens (administrators: user_id=… or all=true)",
                               params: [Op.query("user_id", S.uuid), Op.query("all", ["type": "string", "enum": ["true", "false"]])],
                               responses: ["200": "TokenList"], errors: [401, 403, 422]),
                "post": Op.make("identity", "Create an API token for yourself (shown once)", body: "CreateTokenRequest",
                                responses: ["201": "NewToken"], errors: [400, 401, 403, 413, 422]),
            ],
            "/tokens/{id}": [
                "delete": Op.make("identity", "Revoke a token (your own; administrators: any)", params: [Op.id], responses: ["204": nil],
                                  errors: [401, 403, 404]),
            ],
            "/contracts/{id}/team": [
                "get": Op.make("contracts", "The contract's team (besides its owner and responsible department)", params: [Op.id] + Op.pageParams,
                               responses: ["200": "ContractMemberPage"], errors: [401, 403, 404, 422]),
                "post": Op.make("contracts", "Add a user or a department to the contract's team", params: [Op.id], body: "ContractMemberInput",
                                responses: ["201": "ContractMember"], errors: [400, 401, 403, 404, 409, 413, 422]),
            ],
            "/team-members/{id}": [
                "delete": Op.make("contracts", "Remove a team member", params: [Op.id, Op.ifMatch], responses: ["204": nil],
                                  errors: [400, 401, 403, 404, 412]),
            ],
            "/attachments/{id}": [
                "get": Op.make("attachments", "An attachment's metadata", params: [Op.id], responses: ["200": "Attachment"], errors: [401, 403, 404]),
                "delete": Op.make("attachments", "Remove a file (uploader, manager, administrator)", params: [Op.id, Op.ifMatch],
                                  responses: ["204": nil], errors: [400, 401, 403, 404, 412]),
            ],
            "/attachments/{id}/content": [
                "get": content,
            ],
        ]
        for parent in AttachmentParent.allCases {
            paths["/\(parent.pathSegment)/{id}/attachments"] = [
                "get": Op.make("attachments", "Files of a \(parent.rawValue.replacingOccurrences(of: "_", with: " "))", params: [Op.id], responses: ["200": "AttachmentList"],
                               errors: [401, 403, 404]),
                "post": upload(parent),
            ]
        }
        return paths
    }

    private static var content: [String: Any] {
        var op = Op.make("attachments", "The file itself (Content-Disposition: attachment; type sniffed at upload)", params: [Op.id],
                         responses: [:], errors: [401, 403, 404])
        var responses = op["responses"] as! [String: Any]
        let binary: [String: Any] = ["schema": ["type": "string", "format": "binary"]]
        responses["200"] = ["description": "the file", "content": ["image/png": binary, "image/jpeg": binary, "image/webp": binary,
                                                                  "application/pdf": binary]]
        op["responses"] = responses
        return op
    }

    private static func upload(_ parent: AttachmentParent) -> [String: Any] {
        var op = Op.make("attachments", "Attach a file to a \(parent.rawValue.replacingOccurrences(of: "_", with: " ")): the raw bytes as the body (PNG, JPEG, WebP or PDF, ≤ 10 MB; "
                         + "the type is sniffed from the content, the Content-Type header is not trusted)",
                         params: [Op.id, Op.query("filename", ["type": "string", "maxLength": 200], "the file's name")],
                         responses: ["201": "Attachment"], errors: [400, 401, 403, 404, 413, 415, 422])
        let binary: [String: Any] = ["schema": ["type": "string", "format": "binary"]]
        op["requestBody"] = ["required": true, "content": ["application/octet-stream": binary, "image/png": binary, "image/jpeg": binary,
                                                           "image/webp": binary, "application/pdf": binary]]
        return op
    }
}
