namespace Facade.McpAdapter.Tests.Catalog;

/// <summary>
/// A hand-written OpenAPI 3.0 document in YAML with 32 operations: every method, path/query/header parameters
/// (some through components.parameters), JSON bodies via $ref (flattened, allOf, arrays, free-form, recursive),
/// document- and operation-level OAuth scopes, x-scopes (array, string, empty), security: [] and two operations
/// without an operationId.
/// </summary>
internal static class FleetOpenApi
{
    public const int OperationCount = 32;

    public const string Yaml = """
        openapi: 3.0.3
        info:
          title: Fleet API
          version: 2.1.0
        servers:
          - url: https://fleet.example/api
        security:
          - oauth: ['devices:read']
        paths:
          /devices:
            get:
              operationId: listDevices
              summary: List devices
              description: Devices visible to the caller.
              parameters:
                - name: status
                  in: query
                  description: Only devices in this state.
                  schema:
                    $ref: '#/components/schemas/DeviceStatus'
                - name: tag
                  in: query
                  schema:
                    type: array
                    items: { type: string }
                - $ref: '#/components/parameters/Limit'
                - name: X-Request-Id
                  in: header
                  schema: { type: string, format: uuid }
                - name: Accept
                  in: header
                  schema: { type: string }
              responses:
                '200': { description: ok }
            post:
              operationId: registerDevice
              summary: Register a device
              security:
                - oauth: ['devices:write']
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/DeviceCreate' }
              responses:
                '201': { description: created }
          /devices/{deviceId}:
            parameters:
              - $ref: '#/components/parameters/DeviceId'
            get:
              operationId: getDevice
              summary: Get a device
              responses:
                '200': { description: ok }
            put:
              operationId: replaceDevice
              security:
                - oauth: ['devices:write']
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/DeviceCreate' }
              responses:
                '200': { description: ok }
            patch:
              operationId: updateDevice
              security:
                - oauth: ['devices:write']
              requestBody:
                content:
                  application/merge-patch+json:
                    schema: { $ref: '#/components/schemas/DevicePatch' }
              responses:
                '200': { description: ok }
            delete:
              operationId: deleteDevice
              summary: Delete a device
              security:
                - oauth: ['devices:write']
              responses:
                '204': { description: deleted }
          /devices/{deviceId}/shadow:
            parameters:
              - $ref: '#/components/parameters/DeviceId'
            get:
              operationId: getShadow
              responses:
                '200': { description: ok }
          /devices/{deviceId}/shadow/desired:
            parameters:
              - $ref: '#/components/parameters/DeviceId'
            put:
              operationId: setDesiredShadow
              description: Replaces the desired state.
              security:
                - oauth: ['devices:write']
              requestBody:
                required: true
                description: The desired state document.
                content:
                  application/json:
                    schema:
                      type: object
                      additionalProperties: true
              responses:
                '200': { description: ok }
          /devices/{deviceId}/status:
            get:
              summary: Current device status
              parameters:
                - $ref: '#/components/parameters/DeviceId'
              responses:
                '200': { description: ok }
          /devices/{deviceId}/telemetry:
            parameters:
              - $ref: '#/components/parameters/DeviceId'
            get:
              operationId: listTelemetry
              security:
                - oauth: ['telemetry:read']
              parameters:
                - { name: from, in: query, required: true, schema: { type: string, format: date-time } }
                - { name: to, in: query, schema: { type: string, format: date-time } }
                - { name: metric, in: query, schema: { type: string, enum: [temperature, humidity, battery] } }
                - $ref: '#/components/parameters/Limit'
              responses:
                '200': { description: ok }
          /devices/{deviceId}/telemetry/latest:
            parameters:
              - $ref: '#/components/parameters/DeviceId'
            get:
              operationId: getLatestTelemetry
              security:
                - oauth: ['telemetry:read']
              responses:
                '200': { description: ok }
          /telemetry/metrics:
            get:
              operationId: listMetrics
              security:
                - oauth: ['telemetry:read']
              responses:
                '200': { description: ok }
          /telemetry/query:
            post:
              operationId: queryTelemetry
              summary: Query telemetry
              x-scopes: ['telemetry:read']
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      allOf:
                        - $ref: '#/components/schemas/TimeRange'
                        - type: object
                          properties:
                            devices: { type: array, items: { type: string }, minItems: 1 }
              responses:
                '200': { description: ok }
          /devices/{deviceId}/commands:
            parameters:
              - $ref: '#/components/parameters/DeviceId'
            get:
              operationId: listCommands
              responses:
                '200': { description: ok }
            post:
              operationId: sendCommand
              summary: Send a command
              security:
                - oauth: ['commands:write', 'devices:read']
              parameters:
                - name: Idempotency-Key
                  in: header
                  required: true
                  schema: { type: string, minLength: 8 }
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/Command' }
              responses:
                '202': { description: accepted }
          /devices/{deviceId}/commands/{commandId}:
            parameters:
              - $ref: '#/components/parameters/DeviceId'
              - { name: commandId, in: path, required: true, schema: { type: string } }
            get:
              operationId: getCommand
              responses:
                '200': { description: ok }
            delete:
              operationId: cancelCommand
              security:
                - oauth: ['commands:write']
              responses:
                '204': { description: cancelled }
          /devices/commands/batch:
            post:
              operationId: sendBatchCommands
              security:
                - oauth: ['commands:write']
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: array
                      items: { $ref: '#/components/schemas/Command' }
                      maxItems: 100
              responses:
                '202': { description: accepted }
          /rules:
            get:
              operationId: listRules
              security:
                - oauth: ['rules:read']
              responses:
                '200': { description: ok }
            post:
              operationId: createRule
              summary: Create an alert rule
              security:
                - oauth: ['rules:write']
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/Rule' }
              responses:
                '201': { description: created }
          /rules/{ruleId}:
            parameters:
              - { name: ruleId, in: path, required: true, schema: { type: string } }
            get:
              operationId: getRule
              security:
                - oauth: ['rules:read']
              responses:
                '200': { description: ok }
            put:
              operationId: replaceRule
              security:
                - oauth: ['rules:write']
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/Rule' }
              responses:
                '200': { description: ok }
            patch:
              operationId: updateRule
              x-scopes: 'rules:write'
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        enabled: { type: boolean }
                        name: { type: string }
              responses:
                '200': { description: ok }
            delete:
              operationId: deleteRule
              security:
                - oauth: ['rules:write']
              responses:
                '204': { description: deleted }
          /rules/{ruleId}/test:
            parameters:
              - { name: ruleId, in: path, required: true, schema: { type: string } }
            post:
              operationId: testRule
              x-scopes: ['rules:read', 'telemetry:read']
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      required: [sample]
                      properties:
                        sample: { type: object, additionalProperties: { type: number } }
              responses:
                '200': { description: ok }
          /alerts:
            get:
              operationId: listAlerts
              security:
                - oauth: ['rules:read']
              parameters:
                - { name: severity, in: query, schema: { $ref: '#/components/schemas/Severity' } }
                - { name: acknowledged, in: query, schema: { type: boolean } }
              responses:
                '200': { description: ok }
          /alerts/{alertId}:
            parameters:
              - { name: alertId, in: path, required: true, schema: { type: string } }
            get:
              operationId: getAlert
              security:
                - oauth: ['rules:read']
              responses:
                '200': { description: ok }
            delete:
              security:
                - oauth: ['rules:write']
              responses:
                '204': { description: deleted }
          /alerts/{alertId}/acknowledge:
            parameters:
              - { name: alertId, in: path, required: true, schema: { type: string } }
            post:
              operationId: acknowledgeAlert
              x-scopes: ['rules:write']
              responses:
                '200': { description: ok }
          /agents:
            get:
              operationId: listAgents
              x-scopes: []
              responses:
                '200': { description: ok }
          /agents/{agentId}/invoke:
            parameters:
              - { name: agentId, in: path, required: true, schema: { type: string } }
            post:
              operationId: invokeAgent
              security:
                - oauth: ['agents:invoke']
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      required: [prompt]
                      properties:
                        prompt: { type: string, maxLength: 4000 }
                        context: { type: object, nullable: true }
              responses:
                '200': { description: ok }
          /health:
            get:
              operationId: health
              security: []
              responses:
                '200': { description: ok }
        components:
          securitySchemes:
            oauth:
              type: oauth2
              flows:
                authorizationCode:
                  authorizationUrl: https://fleet.example/oauth/authorize
                  tokenUrl: https://fleet.example/oauth/token
                  scopes:
                    'devices:read': Read devices
                    'devices:write': Change devices
                    'telemetry:read': Read telemetry
                    'commands:write': Send commands
                    'rules:read': Read rules
                    'rules:write': Change rules
                    'agents:invoke': Invoke agents
          parameters:
            DeviceId:
              name: deviceId
              in: path
              required: true
              description: The device id, e.g. dev-42.
              schema: { type: string, pattern: '^dev-[0-9]+$' }
            Limit:
              name: limit
              in: query
              description: Page size.
              schema: { type: integer, minimum: 1, maximum: 100, default: 20 }
          schemas:
            DeviceStatus:
              type: string
              enum: [online, offline, maintenance]
            Severity:
              type: string
              enum: [info, warning, critical]
            DeviceCreate:
              type: object
              required: [name, model]
              properties:
                id: { type: string, readOnly: true }
                name: { type: string, minLength: 1, example: Boiler 3 }
                model: { type: string }
                tags: { type: array, items: { type: string } }
                location: { $ref: '#/components/schemas/Location' }
            DevicePatch:
              type: object
              properties:
                name: { type: string }
                location:
                  type: string
                  nullable: true
            Location:
              type: object
              description: Where the device is.
              properties:
                lat: { type: number, minimum: -90, maximum: 90 }
                lon: { type: number, minimum: -180, maximum: 180 }
              x-internal: true
            Command:
              type: object
              required: [name]
              discriminator:
                propertyName: name
              properties:
                name: { type: string, enum: [reboot, set-config, ping] }
                args: { type: object, additionalProperties: true }
            TimeRange:
              type: object
              required: [from]
              properties:
                from: { type: string, format: date-time }
                to: { type: string, format: date-time }
            Rule:
              type: object
              required: [name, condition]
              properties:
                name: { type: string }
                severity: { $ref: '#/components/schemas/Severity' }
                condition: { $ref: '#/components/schemas/Condition' }
            Condition:
              type: object
              properties:
                metric: { type: string }
                above: { type: number }
                all:
                  type: array
                  items: { $ref: '#/components/schemas/Condition' }
        """;
}
