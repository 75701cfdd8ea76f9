using System.Text.Json.Nodes;
using Langfuse.Features.Tracing;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Persistence;
using Marten;
using NJsonSchema;

namespace Langfuse.Features.Datasets;

public sealed record UpsertDataset(string? Name, string? Description, JsonNode? Metadata, JsonNode? InputSchema, JsonNode? ExpectedOutputSchema);
public sealed record UpsertItem(string? DatasetName, string? Id, JsonNode? Input, JsonNode? ExpectedOutput, JsonNode? Metadata,
    string? SourceTraceId, string? SourceObservationId, string? Status);
public sealed record LinkRunItem(string? RunName, string? RunDescription, JsonNode? Metadata, string? DatasetItemId, string? TraceId,
    string? ObservationId, DateTimeOffset? CreatedAt);

/// <summary>The rules of datasets, versioned items and runs; knows nothing of HTTP. Every method works inside one project.</summary>
public sealed class DatasetService(IDocumentStore store, TraceLookup traces)
{
    public async Task<Dataset> UpsertDatasetAsync(string projectId, UpsertDataset command, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(command.Name)) throw new ApiProblem(400, "name: must not be empty");
        foreach (var (field, schema) in new[] { ("inputSchema", command.InputSchema), ("expectedOutputSchema", command.ExpectedOutputSchema) })
            if (schema is not null) { await ParseSchemaAsync(schema, field); CheckPatterns(schema, field); }
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(projectId);
            var now = DateTimeOffset.UtcNow;
            var dataset = await session.Query<Dataset>().FirstOrDefaultAsync(d => d.Name == command.Name, ct);
            if (dataset is null)
            {
                dataset = new Dataset { Id = Guid.NewGuid().ToString(), Name = command.Name!, CreatedAt = now };
                session.Insert(dataset);
            }
            else session.Update(dataset);
            dataset.Description = command.Description ?? dataset.Description;
            dataset.Metadata = command.Metadata?.DeepClone() ?? dataset.Metadata;
            dataset.InputSchema = command.InputSchema?.DeepClone() ?? dataset.InputSchema;
            dataset.ExpectedOutputSchema = command.ExpectedOutputSchema?.DeepClone() ?? dataset.ExpectedOutputSchema;
            dataset.UpdatedAt = now;
            if (await session.TrySaveAsync(attempt, ct)) return dataset;
        }
    }

    public async Task<Dataset> DatasetAsync(IQuerySession session, string name, CancellationToken ct) =>
        await session.Query<Dataset>().FirstOrDefaultAsync(d => d.Name == name, ct)
        ?? throw new ApiProblem(404, $"Dataset {name} not found");

    public async Task<DatasetItemVersion> UpsertItemAsync(string projectId, UpsertItem command, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(command.DatasetName)) throw new ApiProblem(400, "datasetName: required");
        if (command.Id is { Length: > 255 }) throw new ApiProblem(400, "id: at most 255 characters");
        if (command.Status is not (null or "ACTIVE" or "ARCHIVED")) throw new ApiProblem(400, "status: must be ACTIVE or ARCHIVED");
        var itemId = string.IsNullOrEmpty(command.Id) ? Guid.NewGuid().ToString() : command.Id;
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(projectId);
            var dataset = await DatasetAsync(session, command.DatasetName, ct);
            await ValidateAsync(dataset.InputSchema, command.Input, "input");
            await ValidateAsync(dataset.ExpectedOutputSchema, command.ExpectedOutput, "expectedOutput");

            var head = await session.LoadAsync<DatasetItemHead>(DatasetItemHead.IdFor(itemId), ct);
            if (head is not null && head.DatasetId != dataset.Id)
                throw new ApiProblem(409, $"Dataset item {itemId} already exists in another dataset of this project");
            var now = DateTimeOffset.UtcNow;
            DatasetItemVersion? current = null;
            if (head is not null)
            {
                current = await session.Query<DatasetItemVersion>().FirstOrDefaultAsync(v => v.ItemId == itemId && v.ValidTo == null, ct);
                // Versions must be strictly ordered in time even when two writes land in the same millisecond.
                if (now <= head.CurrentValidFrom) now = head.CurrentValidFrom.AddMilliseconds(1);
                if (current is not null) { current.ValidTo = now; session.Store(current); }
            }
            var version = new DatasetItemVersion
            {
                Id = Guid.NewGuid().ToString(), ItemId = itemId, DatasetId = dataset.Id, DatasetName = dataset.Name,
                Status = command.Status ?? current?.Status ?? "ACTIVE",
                Input = command.Input?.DeepClone() ?? current?.Input?.DeepClone(),
                ExpectedOutput = command.ExpectedOutput?.DeepClone() ?? current?.ExpectedOutput?.DeepClone(),
                Metadata = command.Metadata?.DeepClone() ?? current?.Metadata?.DeepClone(),
                SourceTraceId = command.SourceTraceId ?? current?.SourceTraceId,
                SourceObservationId = command.SourceObservationId ?? current?.SourceObservationId,
                ValidFrom = now, CreatedAt = current?.CreatedAt ?? now,
            };
            session.Store(version);
            if (head is null)
            {
                head = new DatasetItemHead { Id = DatasetItemHead.IdFor(itemId), ItemId = itemId, DatasetId = dataset.Id, CurrentValidFrom = now };
                session.Insert(head);
            }
            else
            {
                head.CurrentValidFrom = now;
                session.Store(head);
            }
            if (await session.TrySaveAsync(attempt, ct)) return version;
        }
    }

    public async Task<DatasetItemVersion> ItemAsync(IQuerySession session, string itemId, CancellationToken ct) =>
        await session.Query<DatasetItemVersion>().FirstOrDefaultAsync(v => v.ItemId == itemId && v.ValidTo == null, ct)
        ?? throw new ApiProblem(404, $"Dataset item {itemId} not found");

    /// <summary>Active items of a dataset as they are now, or as they were at <paramref name="asOf"/>.</summary>
    public static IQueryable<DatasetItemVersion> Items(IQuerySession session, string? datasetId, DateTimeOffset? asOf)
    {
        IQueryable<DatasetItemVersion> query = session.Query<DatasetItemVersion>().Where(v => v.Status == "ACTIVE");
        if (datasetId is not null) query = query.Where(v => v.DatasetId == datasetId);
        return asOf is { } t
            ? query.Where(v => v.ValidFrom <= t && (v.ValidTo == null || v.ValidTo > t))
            : query.Where(v => v.ValidTo == null);
    }

    public async Task DeleteItemAsync(string projectId, string itemId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(projectId);
            var head = await session.LoadAsync<DatasetItemHead>(DatasetItemHead.IdFor(itemId), ct)
                ?? throw new ApiProblem(404, $"Dataset item {itemId} not found");
            // Close the current version (older "as of" reads still see it) and release the id.
            var current = await session.Query<DatasetItemVersion>().FirstOrDefaultAsync(v => v.ItemId == itemId && v.ValidTo == null, ct);
            if (current is not null) { current.ValidTo = DateTimeOffset.UtcNow; session.Store(current); }
            session.Delete(head);
            if (await session.TrySaveAsync(attempt, ct)) return;
        }
    }

    public async Task<(DatasetRunItem Item, DatasetRun Run)> LinkAsync(string projectId, LinkRunItem command, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(command.RunName)) throw new ApiProblem(400, "runName: required");
        if (string.IsNullOrWhiteSpace(command.DatasetItemId)) throw new ApiProblem(400, "datasetItemId: required");
        if (command.TraceId is null && command.ObservationId is null) throw new ApiProblem(400, "traceId or observationId: one of them is required");
        var traceId = command.TraceId;
        if (traceId is null)
        {
            traceId = await traces.TraceIdOfObservationAsync(projectId, command.ObservationId!, ct)
                ?? throw new ApiProblem(404, $"Observation {command.ObservationId} not found: send traceId with it");
        }
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(projectId);
            var item = await session.Query<DatasetItemVersion>().FirstOrDefaultAsync(v => v.ItemId == command.DatasetItemId && v.ValidTo == null, ct)
                ?? throw new ApiProblem(404, "Dataset item not found");
            var now = DateTimeOffset.UtcNow;
            var run = await session.Query<DatasetRun>().FirstOrDefaultAsync(r => r.DatasetId == item.DatasetId && r.Name == command.RunName, ct);
            if (run is null)
            {
                run = new DatasetRun
                {
                    Id = Guid.NewGuid().ToString(), Name = command.RunName!, Description = command.RunDescription, Metadata = command.Metadata?.DeepClone(),
                    DatasetId = item.DatasetId, DatasetName = item.DatasetName, CreatedAt = now, UpdatedAt = now,
                };
                session.Insert(run);
            }
            var runItem = new DatasetRunItem
            {
                Id = Guid.NewGuid().ToString(), DatasetRunId = run.Id, DatasetRunName = run.Name, DatasetId = item.DatasetId,
                DatasetItemId = item.ItemId, TraceId = traceId, ObservationId = command.ObservationId,
                CreatedAt = command.CreatedAt ?? now, UpdatedAt = now,
            };
            session.Store(runItem);
            if (await session.TrySaveAsync(attempt, ct)) return (runItem, run);
        }
    }

    public async Task DeleteRunAsync(string projectId, string datasetName, string runName, CancellationToken ct)
    {
        await using var session = store.LightweightSession(projectId);
        var dataset = await DatasetAsync(session, datasetName, ct);
        var run = await session.Query<DatasetRun>().FirstOrDefaultAsync(r => r.DatasetId == dataset.Id && r.Name == runName, ct)
            ?? throw new ApiProblem(404, $"Dataset run {runName} not found");
        session.DeleteWhere<DatasetRunItem>(i => i.DatasetRunId == run.Id);
        session.Delete(run);
        await session.SaveChangesAsync(ct);
    }

    static async Task<JsonSchema> ParseSchemaAsync(JsonNode schema, string field)
    {
        if (schema is not JsonObject) throw new ApiProblem(400, $"{field}: a JSON Schema must be an object");
        try { return await JsonSchema.FromJsonAsync(schema.ToJsonString(), null, LocalSchemaReferences.For); }
        catch (Exception e) when (Refusal(e) is { } refusal) { throw new ApiProblem(400, $"{field}: {refusal.Message}"); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The parser's own message may quote what a reference pointed at; say only that the schema is not valid.
            throw new ApiProblem(400, $"{field}: not a valid JSON Schema ({e.GetType().Name})");
        }
    }

    static NotSupportedException? Refusal(Exception? e) =>
        e is null ? null : e as NotSupportedException ?? Refusal(e.InnerException);

    /// <summary>Every "pattern" of a schema must be a regex that does not backtrack catastrophically.</summary>
    static void CheckPatterns(JsonNode? node, string field)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == "pattern" && value is JsonValue v && v.TryGetValue<string>(out var pattern))
                    {
                        System.Text.RegularExpressions.Regex regex;
                        try { regex = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, Infrastructure.Validation.UserRegex.DefaultTimeout); }
                        catch (ArgumentException) { throw new ApiProblem(400, $"{field}: pattern '{pattern}' is not a valid regular expression"); }
                        if (!Infrastructure.Validation.UserRegex.IsFast(regex)) throw new ApiProblem(400, $"{field}: pattern '{pattern}' takes too long to match (catastrophic backtracking)");
                    }
                    else CheckPatterns(value, field);
                }
                break;
            case JsonArray a:
                foreach (var item in a) CheckPatterns(item, field);
                break;
        }
    }

    static async Task ValidateAsync(JsonNode? schema, JsonNode? value, string field)
    {
        if (schema is null) return;
        ICollection<NJsonSchema.Validation.ValidationError> errors;
        try { errors = (await ParseSchemaAsync(schema, "schema")).Validate(value?.ToJsonString() ?? "null"); }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            // Schema patterns run under the process-wide regex timeout (Program.cs): a pattern that backtracks is a 400.
            throw new ApiProblem(400, $"{field}: a pattern of the dataset's schema took too long to match");
        }
        if (errors.Count > 0)
            throw new ApiProblem(400, $"{field} does not match the dataset's schema: " + string.Join("; ", errors.Select(e => $"{(string.IsNullOrEmpty(e.Path) ? "#" : e.Path)}: {e.Kind}")));
    }

}

public static class DatasetsModule
{
    public static IServiceCollection AddDatasetsFeature(this IServiceCollection services)
    {
        services.ConfigureMarten(opts =>
        {
            var perTenant = Marten.Schema.Indexing.Unique.TenancyScope.PerTenant;
            opts.Schema.For<Dataset>().UniqueIndex(Marten.Schema.UniqueIndexType.Computed, "uq_dataset_name", perTenant, d => d.Name);
            opts.Schema.For<DatasetItemHead>().UseOptimisticConcurrency(true);
            opts.Schema.For<DatasetItemVersion>().Index(v => v.ItemId).Index(v => v.DatasetId)
                .UniqueIndex(Marten.Schema.UniqueIndexType.Computed, "uq_dataset_item_valid_from", perTenant, v => v.ItemId, v => v.ValidFrom);
            opts.Schema.For<DatasetRun>().UniqueIndex(Marten.Schema.UniqueIndexType.Computed, "uq_dataset_run_name", perTenant, r => r.DatasetId, r => r.Name);
            opts.Schema.For<DatasetRunItem>().Index(i => i.DatasetRunId);
        });
        services.AddSingleton<DatasetService>();
        return services;
    }
}
