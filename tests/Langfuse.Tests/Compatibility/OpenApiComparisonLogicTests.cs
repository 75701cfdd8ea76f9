using System.Text.Json.Nodes;

namespace Langfuse.Tests.Compatibility;

/// <summary>The comparison's own rules, on two small documents (no service needed).</summary>
public sealed class OpenApiComparisonLogicTests
{
    const string Contract = """
        openapi: 3.0.1
        paths:
          /api/public/things/{thingId}:
            get:
              tags: [Things]
              parameters:
                - { name: thingId, in: path, required: true }
                - { name: fields, in: query }
              responses:
                '200':
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Thing' }
          /api/public/others:
            post:
              tags: [Others]
              responses: { '200': { description: ok } }
        components:
          schemas:
            Base:
              type: object
              required: [id]
              properties: { id: { type: string } }
            Thing:
              allOf:
                - $ref: '#/components/schemas/Base'
                - type: object
                  properties:
                    kind: { type: string, enum: [A, B] }
                    parts: { type: array, items: { type: object, properties: { name: { type: string } } } }
        """;

    static JsonNode Ours(string thing) => JsonNode.Parse($$"""
        { "paths": { "/api/public/things/{id}": { "get": { "parameters": [ { "name": "id", "in": "path" } ],
          "responses": { "200": { "content": { "application/json": { "schema": {{thing}} } } } } } } } }
        """)!;

    [Fact]
    public void Fields_follow_refs_allOf_and_array_items_with_required_flags_and_enums()
    {
        var contract = OpenApiComparison.FromYaml(Contract);
        var fields = OpenApiComparison.Fields(contract, contract["paths"]!["/api/public/things/{thingId}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!);
        fields.Keys.ShouldBe(["id", "kind", "parts", "parts[].name"], ignoreOrder: true);
        fields["id"].Required.ShouldBeTrue();
        fields["kind"].Enum.ShouldBe(["A", "B"], ignoreOrder: true);
    }

    [Fact]
    public void A_served_operation_reports_what_it_lacks_and_an_unserved_one_is_listed_as_such()
    {
        var ours = Ours("""{ "type": "object", "required": ["id"], "properties": { "id": { "type": "string" }, "kind": { "type": "string", "enum": ["A"] } } }""");
        var reports = new OpenApiComparison(OpenApiComparison.FromYaml(Contract), ours).Compare();
        var thing = reports.Single(r => r.Path == "/api/public/things/{thingId}");
        thing.Served.ShouldBeTrue();
        thing.Differences.ShouldBe(["query parameter missing: fields", "response field missing: parts", "response kind: enum lacks B"]);
        thing.Matches.ShouldBeFalse();
        reports.Single(r => r.Path == "/api/public/others").Served.ShouldBeFalse();
    }

    [Fact]
    public void An_operation_with_the_same_shape_matches()
    {
        var thing = """
            { "type": "object", "required": ["id"], "properties": { "id": { "type": "string" }, "kind": { "type": "string", "enum": ["A", "B"] },
              "parts": { "type": "array", "items": { "type": "object", "properties": { "name": { "type": "string" } } } } } }
            """;
        var ours = Ours(thing);
        ours["paths"]!["/api/public/things/{id}"]!["get"]!["parameters"]!.AsArray().Add(JsonNode.Parse("""{ "name": "fields", "in": "query" }"""));
        new OpenApiComparison(OpenApiComparison.FromYaml(Contract), ours).Compare().Single(r => r.Path.Contains("things")).Matches.ShouldBeTrue();
    }
}
