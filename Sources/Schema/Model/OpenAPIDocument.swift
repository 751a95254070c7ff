/// The OpenAPI 3.0.2 document Cog writes to `.cog/openapi_schema.json` and serves at
/// `/openapi.json`: the predictor's Input and Output schemas inside Cog's fixed skeleton
/// (request and response schemas, Status, validation errors, and the paths of the HTTP API).
public struct OpenAPIDocument: Sendable {
    public let signature: PredictorSignature
    /// `info.version`: Cog writes the version of the tool that made the schema.
    public let version: String

    public init(signature: PredictorSignature, version: String) {
        self.signature = signature
        self.version = version
    }

    /// The names that differ between predictions and trainings.
    private struct Names {
        let endpoint, request, response, cancel, summary, description, operation, cancelOperation, cancelParameter, input, output: String

        static let predict = Names(endpoint: "/predictions", request: "PredictionRequest", response: "PredictionResponse",
                                   cancel: "/predictions/{prediction_id}/cancel", summary: "Predict",
                                   description: "Run a single prediction on the model", operation: "predict_predictions_post",
                                   cancelOperation: "cancel_predictions__prediction_id__cancel_post", cancelParameter: "prediction_id",
                                   input: "Input", output: "Output")
        static let train = Names(endpoint: "/trainings", request: "TrainingRequest", response: "TrainingResponse",
                                 cancel: "/trainings/{training_id}/cancel", summary: "Train",
                                 description: "Run a single training on the model", operation: "train_trainings_post",
                                 cancelOperation: "cancel_trainings__training_id__cancel_post", cancelParameter: "training_id",
                                 input: "TrainingInput", output: "TrainingOutput")
    }

    public var json: JSONValue {
        let n = signature.mode == .train ? Names.train : Names.predict
        var schemas: [String: JSONValue] = [:]

        var properties: [String: JSONValue] = [:]
        for field in signature.inputs {
            properties[field.name] = .object(field.property)
            if let e = field.enumSchema { schemas[field.name] = .object(e) }
        }
        var input: [String: JSONValue] = ["title": .string(n.input), "type": "object", "properties": .object(properties)]
        let required = signature.inputs.filter(\.isRequired).map { JSONValue.string($0.name) }
        if !required.isEmpty { input["required"] = .array(required) }
        schemas[n.input] = .object(input)

        var output = signature.output.schema
        output["title"] = "Output"
        schemas[n.output] = .object(output)

        let inputRef: JSONValue = ["$ref": .string("#/components/schemas/\(n.input)")]
        let outputRef: JSONValue = ["$ref": .string("#/components/schemas/\(n.output)")]
        schemas[n.request] = [
            "title": .string(n.request), "type": "object",
            "properties": ["id": ["title": "Id", "type": "string"], "input": inputRef],
        ]
        let dateTime = { (title: String) -> JSONValue in ["title": .string(title), "type": "string", "format": "date-time"] }
        schemas[n.response] = [
            "title": .string(n.response), "type": "object",
            "properties": [
                "input": inputRef, "output": outputRef,
                "id": ["title": "Id", "type": "string"], "version": ["title": "Version", "type": "string"],
                "created_at": dateTime("Created At"), "started_at": dateTime("Started At"), "completed_at": dateTime("Completed At"),
                "status": ["title": "Status", "type": "string"], "error": ["title": "Error", "type": "string"],
                "logs": ["title": "Logs", "type": "string"], "metrics": ["title": "Metrics", "type": "object"],
            ],
        ]
        schemas["Status"] = [
            "title": "Status", "description": "An enumeration.", "type": "string",
            "enum": ["starting", "processing", "succeeded", "canceled", "failed"],
        ]
        schemas["HTTPValidationError"] = [
            "title": "HTTPValidationError", "type": "object",
            "properties": ["detail": ["title": "Detail", "type": "array", "items": ["$ref": "#/components/schemas/ValidationError"]]],
        ]
        schemas["ValidationError"] = [
            "title": "ValidationError", "type": "object", "required": ["loc", "msg", "type"],
            "properties": [
                "loc": ["title": "Location", "type": "array", "items": ["anyOf": [["type": "string"], ["type": "integer"]]]],
                "msg": ["title": "Message", "type": "string"],
                "type": ["title": "Error Type", "type": "string"],
            ],
        ]

        let anyJSON: JSONValue = ["application/json": ["schema": [:]]]
        let ok: JSONValue = ["description": "Successful Response", "content": anyJSON]
        let invalid: JSONValue = ["description": "Validation Error",
                                  "content": ["application/json": ["schema": ["$ref": "#/components/schemas/HTTPValidationError"]]]]
        var operation: [String: JSONValue] = [
            "summary": .string(n.summary), "description": .string(n.description), "operationId": .string(n.operation),
            "requestBody": ["content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(n.request)")]]]],
            "responses": [
                "200": ["description": "Successful Response",
                        "content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(n.response)")]]]],
                "422": invalid,
            ],
        ]
        if signature.mode == .predict, signature.streaming { operation["x-cog-streaming"] = true }
        let paths: [String: JSONValue] = [
            "/": ["get": ["summary": "Root", "operationId": "root__get", "responses": ["200": ok]]],
            "/health-check": ["get": ["summary": "Healthcheck", "operationId": "healthcheck_health_check_get", "responses": ["200": ok]]],
            n.endpoint: ["post": .object(operation)],
            n.cancel: ["post": [
                "summary": "Cancel", "operationId": .string(n.cancelOperation),
                "parameters": [[
                    "required": true, "schema": ["title": .string(Title.of(n.cancelParameter)), "type": "string"],
                    "name": .string(n.cancelParameter), "in": "path",
                ]],
                "responses": ["200": ok, "422": invalid],
            ]],
        ]
        return [
            "openapi": "3.0.2",
            "info": ["title": "Cog", "version": .string(version)],
            "paths": .object(paths),
            "components": ["schemas": .object(schemas)],
        ]
    }

    /// Pretty JSON with sorted keys, ending in a newline.
    public var text: String { JSONRenderer.render(json) + "\n" }
}
