using Marten;

namespace Langfuse.Features.Prompts;

public static class PromptsModule
{
    public static IServiceCollection AddPromptsFeature(this IServiceCollection services)
    {
        services.ConfigureMarten(opts =>
        {
            // One version number per name and project, enforced by Postgres as a backstop to the head's concurrency check.
            opts.Schema.For<Prompt>()
                .UniqueIndex(Marten.Schema.UniqueIndexType.Computed, "uq_prompt_name_version", Marten.Schema.Indexing.Unique.TenancyScope.PerTenant, p => p.Name, p => p.Version)
                .Index(p => p.Name);
            opts.Schema.For<PromptHead>().UseOptimisticConcurrency(true).Index(h => h.Name);
        });
        services.AddSingleton<PromptCache>();
        services.AddSingleton<Projects.IProjectDataOwner, PromptProjectData>();
        services.AddSingleton<PromptService>();
        return services;
    }
}
