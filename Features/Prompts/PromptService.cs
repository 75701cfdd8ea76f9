using System.Text.Json;
using System.Text.Json.Nodes;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Persistence;
using Marten;

namespace Langfuse.Features.Prompts;

public sealed record NewPromptVersion(string? Name, JsonNode? Prompt, string? Type, JsonNode? Config, List<string>? Labels, List<string>? Tags, string? CommitMessage);

/// <summary>The rules of prompt management; knows nothing of HTTP. Every method works inside one project.</summary>
public sealed class PromptService(IDocumentStore store, PromptCache cache)
{
    public async Task<PromptView> CreateAsync(string projectId, NewPromptVersion command, CancellationToken ct)
    {
        PromptRules.ValidateName(command.Name);
        var name = command.Name!;
        var type = command.Type ?? "text";
        PromptRules.ValidateContent(type, command.Prompt);
        var requested = command.Labels ?? [];
        PromptRules.ValidateLabels(requested, allowLatest: true);
        if (command.CommitMessage?.Length > 500) throw new PromptException(400, "commitMessage: at most 500 characters");
        var references = PromptRules.References(command.Prompt);
        if (references.Count > PromptRules.MaxReferences)
            throw new PromptException(400, $"prompt: at most {PromptRules.MaxReferences} distinct prompt references (found {references.Count})");

        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(projectId);
            var head = await session.LoadAsync<PromptHead>(PromptHead.IdFor(name), ct);
            if (head is not null && head.Type != type)
                throw new PromptException(400, $"Previous versions have different prompt type. Create a new prompt with a different name. (existing: {head.Type})");
            var now = DateTimeOffset.UtcNow;
            var prompt = new Prompt
            {
                Id = Guid.NewGuid().ToString(), Name = name, Version = (head?.LatestVersion ?? 0) + 1, Type = type,
                Content = command.Prompt!.DeepClone(), Config = command.Config?.DeepClone() ?? new JsonObject(),
                Labels = requested.Append(PromptRules.Latest).Distinct().ToList(), CommitMessage = command.CommitMessage,
                CreatedAt = now, UpdatedAt = now, DependencyNames = references.Select(r => r.Name).Distinct().ToList(),
            };
            // References must exist and must not lead back here.
            await ResolveAsync(session, prompt, depth: 0, [], ct);

            var versions = await session.Query<Prompt>().Where(p => p.Name == name).ToListAsync(ct);
            MoveLabels(session, versions, prompt.Labels, now);
            session.Store(prompt);
            if (head is null)
            {
                head = new PromptHead { Id = PromptHead.IdFor(name), Name = name, Type = type, LatestVersion = prompt.Version, Tags = Distinct(command.Tags), UpdatedAt = now };
                session.Insert(head);
            }
            else
            {
                head.LatestVersion = prompt.Version;
                if (command.Tags is not null) head.Tags = Distinct(command.Tags);
                head.UpdatedAt = now;
                session.Store(head);
            }
            if (!await session.TrySaveAsync(attempt, ct)) continue;
            await cache.InvalidateProjectAsync(projectId);
            return PromptView.Of(prompt, head, projectId, null);
        }
    }

    /// <summary>The prompt as its response JSON (a <see cref="PromptView"/>), cached: serialised once per cache fill.</summary>
    public Task<string> GetJsonAsync(string projectId, string name, int? version, string? label, bool resolve, CancellationToken ct)
    {
        if (version is not null && label is not null) throw new PromptException(400, "Cannot specify both version and label");
        label = version is null ? label ?? PromptRules.Production : null;
        return cache.GetOrLoadAsync(projectId, $"{name}\n{version}\n{label}\n{resolve}", async () =>
        {
            await using var session = store.QuerySession(projectId);
            var prompt = await FindAsync(session, name, version, label, ct)
                ?? throw new PromptException(404, version is not null ? $"Prompt not found: '{name}' with version {version}" : $"Prompt not found: '{name}' with label '{label}'");
            var head = await session.LoadAsync<PromptHead>(PromptHead.IdFor(name), ct);
            JsonObject? graph = null;
            if (resolve && prompt.DependencyNames.Count > 0)
            {
                var resolved = await ResolveAsync(session, prompt, 0, [], ct);
                prompt.Content = resolved.Content;
                graph = resolved.Graph;
            }
            return JsonSerializer.Serialize(PromptView.Of(prompt, head, projectId, graph), ApiJson.Options);
        });
    }

    public async Task<PromptView> UpdateLabelsAsync(string projectId, string name, int version, List<string> newLabels, CancellationToken ct)
    {
        PromptRules.ValidateLabels(newLabels, allowLatest: false);
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(projectId);
            var head = await session.LoadAsync<PromptHead>(PromptHead.IdFor(name), ct) ?? throw new PromptException(404, $"Prompt not found: '{name}'");
            var versions = await session.Query<Prompt>().Where(p => p.Name == name).ToListAsync(ct);
            var target = versions.FirstOrDefault(p => p.Version == version) ?? throw new PromptException(404, $"Prompt not found: '{name}' with version {version}");
            var now = DateTimeOffset.UtcNow;
            MoveLabels(session, versions.Where(p => p.Id != target.Id), newLabels, now);
            target.Labels = newLabels.Concat(target.Labels.Where(l => l == PromptRules.Latest)).Distinct().ToList();
            target.UpdatedAt = now;
            session.Store(target);
            head.UpdatedAt = now;
            session.Store(head);
            if (!await session.TrySaveAsync(attempt, ct)) continue;
            await cache.InvalidateProjectAsync(projectId);
            return PromptView.Of(target, head, projectId, null);
        }
    }

    public async Task DeleteAsync(string projectId, string name, int? version, string? label, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(projectId);
            var head = await session.LoadAsync<PromptHead>(PromptHead.IdFor(name), ct) ?? throw new PromptException(404, $"Prompt not found: '{name}'");
            var versions = await session.Query<Prompt>().Where(p => p.Name == name).ToListAsync(ct);
            var doomed = versions.Where(p => (version is null || p.Version == version) && (label is null || p.Labels.Contains(label))).ToList();
            if (doomed.Count == 0) throw new PromptException(404, $"Prompt not found: '{name}'" + (version is not null ? $" with version {version}" : label is not null ? $" with label '{label}'" : ""));

            var dependents = (await session.Query<Prompt>().Where(p => p.DependencyNames.Contains(name)).ToListAsync(ct)).Where(p => p.Name != name);
            var blocking = dependents.Where(d => PromptRules.References(d.Content).Any(r => r.Name == name &&
                doomed.Any(v => r.Version == v.Version || (r.Label is not null && v.Labels.Contains(r.Label))))).ToList();
            if (blocking.Count > 0)
                throw new PromptException(400, $"Other prompts depend on this prompt: {string.Join(", ", blocking.Select(b => $"{b.Name} v{b.Version}"))}");

            foreach (var p in doomed) session.Delete(p);
            var remaining = versions.Except(doomed).OrderBy(p => p.Version).ToList();
            if (remaining.Count == 0) session.Delete(head);
            else
            {
                var newest = remaining[^1];
                if (!newest.Labels.Contains(PromptRules.Latest)) { newest.Labels.Add(PromptRules.Latest); session.Store(newest); }
                head.LatestVersion = newest.Version;
                head.UpdatedAt = DateTimeOffset.UtcNow;
                session.Store(head);
            }
            if (!await session.TrySaveAsync(attempt, ct)) continue;
            await cache.InvalidateProjectAsync(projectId);
            return;
        }
    }

    public sealed record ListFilter(string? Name, string? Label, string? Tag, DateTimeOffset? FromUpdatedAt, DateTimeOffset? ToUpdatedAt, int Page, int Limit);

    public async Task<(List<PromptMeta> Items, int Total)> ListAsync(string projectId, ListFilter filter, CancellationToken ct)
    {
        await using var session = store.QuerySession(projectId);
        var labelled = filter.Label is null ? null
            : await session.Query<Prompt>().Where(p => p.Labels.Contains(filter.Label)).Select(p => p.Name).Distinct().ToListAsync(ct);
        IQueryable<PromptHead> Heads()
        {
            IQueryable<PromptHead> heads = session.Query<PromptHead>();
            if (filter.Name is not null) heads = heads.Where(h => h.Name == filter.Name);
            if (filter.Tag is not null) heads = heads.Where(h => h.Tags.Contains(filter.Tag));
            if (filter.FromUpdatedAt is { } from) heads = heads.Where(h => h.UpdatedAt >= from);
            if (filter.ToUpdatedAt is { } to) heads = heads.Where(h => h.UpdatedAt < to);
            if (labelled is not null) heads = heads.Where(h => labelled.Contains(h.Name));
            return heads.OrderBy(h => h.Name);
        }
        var (page, total) = await Paging.PageOfAsync(Heads, filter.Page, filter.Limit, ct);
        var names = page.Select(h => h.Name).ToList();
        var versions = (await session.Query<Prompt>().Where(p => names.Contains(p.Name)).ToListAsync(ct)).ToLookup(p => p.Name);
        var items = page.Select(h =>
        {
            var own = versions[h.Name].OrderBy(v => v.Version).ToList();
            return new PromptMeta(h.Type, h.Name, own.Select(v => v.Version).ToList(), own.SelectMany(v => v.Labels).Distinct().Order().ToList(), h.Tags,
                h.UpdatedAt, own.LastOrDefault()?.Config ?? new JsonObject());
        }).ToList();
        return (items, (int)total);
    }

    /// <summary>Every version of a prompt name, newest first, with its head (tags); null when the name has no versions.</summary>
    public async Task<(PromptHead Head, List<Prompt> Versions)?> VersionsAsync(string projectId, string name, CancellationToken ct)
    {
        await using var session = store.QuerySession(projectId);
        var head = await session.LoadAsync<PromptHead>(PromptHead.IdFor(name), ct);
        if (head is null) return null;
        var versions = await session.Query<Prompt>().Where(p => p.Name == name).OrderByDescending(p => p.Version).ToListAsync(ct);
        return versions.Count == 0 ? null : (head, versions.ToList());
    }

    static async Task<Prompt?> FindAsync(IQuerySession session, string name, int? version, string? label, CancellationToken ct) =>
        version is not null
            ? await session.Query<Prompt>().FirstOrDefaultAsync(p => p.Name == name && p.Version == version, ct)
            : await session.Query<Prompt>().FirstOrDefaultAsync(p => p.Name == name && p.Labels.Contains(label!), ct);

    sealed record Resolved(JsonNode Content, JsonObject? Graph);

    /// <summary>Inlines @@@langfusePrompt@@@ references, depth-first; missing targets, cycles and too deep nesting are 400s.</summary>
    async Task<Resolved> ResolveAsync(IQuerySession session, Prompt prompt, int depth, List<string> path, CancellationToken ct)
    {
        var references = PromptRules.References(prompt.Content);
        if (references.Count == 0) return new Resolved(prompt.Content!.DeepClone(), null);
        if (depth >= PromptRules.MaxDepth) throw new PromptException(400, $"Prompt dependencies are nested more than {PromptRules.MaxDepth} levels deep");
        var here = path.Append(prompt.Name).ToList();
        var replacements = new Dictionary<string, string>();
        var graph = new JsonObject { ["root"] = Node(prompt), ["dependencies"] = new JsonObject() };
        var edges = new JsonArray();
        foreach (var reference in references)
        {
            if (here.Contains(reference.Name)) throw new PromptException(400, $"Circular prompt dependency: {string.Join(" -> ", here.Append(reference.Name))}");
            var child = await FindAsync(session, reference.Name, reference.Version, reference.Label, ct)
                ?? throw new PromptException(400, $"Prompt dependency not found: '{reference.Name}' with " + (reference.Version is not null ? $"version {reference.Version}" : $"label '{reference.Label}'"));
            if (child.Type != "text") throw new PromptException(400, $"Prompt dependency '{child.Name}' is a {child.Type} prompt; only text prompts can be referenced");
            var resolved = await ResolveAsync(session, child, depth + 1, here, ct);
            replacements[reference.Tag] = resolved.Content.GetValue<string>();
            edges.Add(Node(child));
            if (resolved.Graph?["dependencies"] is JsonObject nested)
                foreach (var (parent, children) in nested) graph["dependencies"]![parent] = children?.DeepClone();
        }
        graph["dependencies"]![prompt.Id] = edges;
        return new Resolved(Replace(prompt.Content!, replacements), graph);
    }

    static JsonObject Node(Prompt p) => new() { ["id"] = p.Id, ["name"] = p.Name, ["version"] = p.Version };

    static JsonNode Replace(JsonNode content, Dictionary<string, string> replacements)
    {
        string Apply(string text) => replacements.Aggregate(text, (t, r) => t.Replace(r.Key, r.Value, StringComparison.Ordinal));
        if (content is JsonArray messages)
            return new JsonArray(messages.Select(m =>
            {
                var copy = m!.DeepClone();
                if (copy is JsonObject o && o["content"]?.GetValueKind() == JsonValueKind.String) o["content"] = Apply(o["content"]!.GetValue<string>());
                return copy;
            }).ToArray());
        return JsonValue.Create(Apply(content.GetValue<string>()))!;
    }

    static void MoveLabels(IDocumentSession session, IEnumerable<Prompt> others, IReadOnlyCollection<string> labels, DateTimeOffset now)
    {
        foreach (var other in others.Where(o => o.Labels.Any(labels.Contains)))
        {
            other.Labels = other.Labels.Where(l => !labels.Contains(l)).ToList();
            other.UpdatedAt = now;
            session.Store(other);
        }
    }


    static List<string> Distinct(IEnumerable<string>? values) => values?.Distinct().ToList() ?? [];
}
